import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scored, Times } from './types.js';

/**
 * Scored voices kept on disk between runs of the speech evaluation (`--cache DIR`), so that a
 * run after a threshold change, or after one fold model was retrained, scores only what changed.
 * Scoring is most of the evaluation's time (about 25 minutes for 34 voices on one core).
 *
 * An entry is used only when everything scoring reads is the same: the model file's bytes, the
 * code of the digit check and of this scoring (the running module's own folders, so a tsx run and
 * a built one keep apart), the voice's table entry, its seed, readings per pace and the warps.
 * Not hashed, so clear the folder when they change: the shared recordings (read-only data) and
 * the code beneath scoring outside those two folders (decoding in src/media, the seeded random
 * numbers in src/core).
 */

export interface ScoreKey {
  modelPath: string;
  voice: Scored['voice'];
  seed: number;
  perPace: number;
  warps: number[];
}

interface Entry {
  scored: Scored;
  times: Times;
}

const here = dirname(fileURLToPath(import.meta.url));
let codeHash: string | undefined;

/** Every source file (tests aside) of this folder and of the digit check, src/speech or dist/speech. */
function scoringCodeHash(): string {
  if (codeHash) return codeHash;
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|js)$/.test(name) && !/\.test\.(ts|js)$/.test(name)) h.update(name).update(readFileSync(path));
    }
  };
  walk(here);
  walk(join(here, '..', '..', 'speech'));
  codeHash = h.digest('hex');
  return codeHash;
}

export function scoreKey(k: ScoreKey): string {
  return createHash('sha256')
    .update(readFileSync(k.modelPath))
    .update(scoringCodeHash())
    .update(JSON.stringify([k.voice, k.seed, k.perPace, k.warps]))
    .digest('hex')
    .slice(0, 24);
}

// Margins and fits can be infinite, which JSON would turn into null.
const encode = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? { nonFinite: String(v) } : v);
const decode = (_k: string, v: unknown): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { nonFinite?: unknown }).nonFinite === 'string'
    ? Number((v as { nonFinite: string }).nonFinite)
    : v;

/**
 * The voice's scores from `dir` when an entry with the same key is there, else `score()`'s,
 * written there. Times measured when the entry was made are added to `times` either way.
 */
export async function cachedScore(dir: string | undefined, key: ScoreKey, times: Times, score: (t: Times) => Promise<Scored>): Promise<{ scored: Scored; hit: boolean }> {
  if (!dir) return { scored: await score(times), hit: false };
  const file = entryFile(dir, key);
  const entry = await readEntry(file);
  if (entry) {
    times.model.push(...entry.times.model);
    times.mandarin.push(...entry.times.mandarin);
    return { scored: entry.scored, hit: true };
  }
  const own: Times = { model: [], mandarin: [] };
  const scored = await score(own);
  times.model.push(...own.model);
  times.mandarin.push(...own.mandarin);
  await mkdir(dir, { recursive: true });
  // Written aside and renamed, so that a run stopped mid-write leaves no half entry behind.
  const part = `${file}.${process.pid}.part`;
  await writeFile(part, JSON.stringify({ scored, times: own } satisfies Entry, encode));
  await rename(part, file);
  return { scored, hit: false };
}

/** The voice's scores kept in `dir` under `key`, or null when there are none (for tools that only read). */
export async function cachedOnly(dir: string, key: ScoreKey): Promise<Scored | null> {
  return (await readEntry(entryFile(dir, key)))?.scored ?? null;
}

const entryFile = (dir: string, key: ScoreKey): string => join(dir, `${key.voice.id}-${scoreKey(key)}.json`);

/** An entry that is missing or cannot be read (damaged by hand or by a full disk): null, so it is scored again, not trusted. */
async function readEntry(file: string): Promise<Entry | null> {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(await readFile(file, 'utf8'), decode) as Entry;
  } catch {
    return null;
  }
}
