import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../core/repo-root.js';

export interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

/** The built files the server serves under /capture/ (npm run build writes them). */
const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'capture.js': 'text/javascript; charset=utf-8',
  'capture.css': 'text/css; charset=utf-8',
};

export function defaultAssetsDir(): string {
  return join(repoRoot(), 'dist', 'capture');
}

/**
 * Reads the page's files into memory once, with their gzip form: three small files, served
 * on every page load. Null when the bundle has not been built (the page routes then say so).
 */
export function loadCaptureAssets(dir: string): Map<string, Asset> | null {
  if (!Object.keys(TYPES).every((name) => existsSync(join(dir, name)))) return null;
  return new Map(
    Object.entries(TYPES).map(([name, type]) => {
      const body = readFileSync(join(dir, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      return [name, { body, gzip: gzipSync(body, { level: 9 }), type, etag }];
    }),
  );
}
