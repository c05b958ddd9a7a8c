import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir as sharedDataDir } from '../data-dir.js';

export { sharedDataDir };

export function facesDir(): string | null {
  const dir = join(sharedDataDir(), 'faces');
  return existsSync(join(dir, 'pairs.csv')) ? dir : null;
}

export interface FacePairs {
  dir: string;
  /** Every image named in pairs.csv with its identity label. */
  images: Map<string, string>;
  genuine: Array<[string, string]>;
  impostor: Array<[string, string]>;
}

export function loadPairs(dir: string): FacePairs {
  const lines = readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const col = (name: string): number => header.indexOf(name);
  const images = new Map<string, string>();
  const genuine: Array<[string, string]> = [];
  const impostor: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const a = f[col('image_a')];
    const b = f[col('image_b')];
    images.set(a, f[col('identity_a')]);
    images.set(b, f[col('identity_b')]);
    (f[col('label')] === 'same' ? genuine : impostor).push([a, b]);
  }
  return { dir, images, genuine, impostor };
}

/** Every cross-identity pair among the labelled images: many more impostor scores than the CSV's. */
export function allImpostorPairs(images: Map<string, string>): Array<[string, string]> {
  const list = [...images.entries()];
  const out: Array<[string, string]> = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) if (list[i][1] !== list[j][1]) out.push([list[i][0], list[j][0]]);
  }
  return out;
}
