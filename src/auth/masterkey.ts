import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_BYTES = 32;

/**
 * The AES-256 key that encrypts SecretKeys at rest. An explicit key (config.masterKey or
 * LIVECHECK_MASTER_KEY, 32 bytes as base64 or hex) wins; otherwise `<dataDir>/master.key`
 * is read, or generated with mode 0600 on first start so an embedded setup needs no step.
 */
export function loadMasterKey(opts: { masterKey?: string; dataDir: string }): Buffer {
  if (opts.masterKey) return decodeKey(opts.masterKey, 'masterKey / LIVECHECK_MASTER_KEY');
  const file = join(opts.dataDir, 'master.key');
  if (existsSync(file)) return decodeKey(readFileSync(file, 'utf8').trim(), file);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  // 'wx' refuses to overwrite a key another process wrote in the meantime.
  try {
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return decodeKey(readFileSync(file, 'utf8').trim(), file);
    throw err;
  }
  return key;
}

function decodeKey(text: string, source: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${source}: master key must be 32 bytes (base64 or 64 hex characters)`);
  return key;
}
