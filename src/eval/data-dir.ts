import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * ../shared/data next to the repository, or LIVECHECK_SHARED_DATA. The repository root is
 * found by walking up to package.json, so this holds both from src/ (tsx) and from dist/.
 */
export function defaultDataDir(): string {
  return process.env.LIVECHECK_SHARED_DATA ?? resolve(repoRoot(), '..', 'shared', 'data');
}

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
