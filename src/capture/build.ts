import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repoRoot } from '../core/repo-root.js';

const WEB = join(repoRoot(), 'src', 'capture', 'web');

/**
 * Bundles the capture page's TypeScript into one minified ES module (the page and the
 * embeddable <livecheck-capture> element are the same file) and copies the page's HTML and
 * CSS beside it. Browsers targeted: the current Chromium, Firefox and Safari on phones.
 */
export async function buildCaptureAssets(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(WEB, 'main.ts')],
    outfile: join(outDir, 'capture.js'),
    bundle: true,
    format: 'esm',
    minify: true,
    target: ['chrome100', 'firefox110', 'safari16'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(WEB, 'page.html'), join(outDir, 'index.html'));
  await copyFile(join(WEB, 'page.css'), join(outDir, 'capture.css'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildCaptureAssets(process.argv[2] ?? join(repoRoot(), 'dist', 'capture'));
}
