import { resolve } from 'node:path';
import { repoRoot } from '../core/repo-root.js';

export { repoRoot };

/**
 * ../shared/data next to the repository, or LIVECHECK_SHARED_DATA. The repository root is
 * found by walking up to package.json, so this holds both from src/ (tsx) and from dist/.
 */
export function defaultDataDir(): string {
  return process.env.LIVECHECK_SHARED_DATA ?? resolve(repoRoot(), '..', 'shared', 'data');
}

