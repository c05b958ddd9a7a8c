import { readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import sharp from 'sharp';
import type { AttackType } from '../types.js';

/**
 * Real presentation-attack photos shipped in DIR/spoof. Silent-Face-Anti-Spoofing names its
 * samples image_F* (fake) and image_T* (true); which instrument a fake shows is not in the
 * name, so it was labelled by looking at the pictures. Its *_result.jpg files are the same
 * photos with the upstream model's boxes drawn on them and are skipped.
 */
const LABELS: Record<string, { kind: 'genuine' } | { kind: 'attack'; attack: AttackType }> = {
  // A printed photo held up to the camera, paper edge visible.
  'silent_face/images/sample/image_F1.jpg': { kind: 'attack', attack: 'real-print-photo' },
  // A phone screen showing a selfie, held in a hand.
  'silent_face/images/sample/image_F2.jpg': { kind: 'attack', attack: 'real-screen-photo' },
  // A live selfie.
  'silent_face/images/sample/image_T1.jpg': { kind: 'genuine' },
};

export interface SpoofPhoto {
  /** Path relative to DIR/spoof. */
  source: string;
  path: string;
  kind: 'genuine' | 'attack';
  attack?: AttackType;
}

export interface SpoofScan {
  photos: SpoofPhoto[];
  /** Images found that carry no label (reported, not evaluated). */
  unlabelled: string[];
}

async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(jpe?g|png)$/i.test(e.name) && !/_result\./i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export async function findSpoofPhotos(spoofDir: string): Promise<SpoofScan> {
  const photos: SpoofPhoto[] = [];
  const unlabelled: string[] = [];
  for (const path of await listImages(spoofDir)) {
    const source = relative(spoofDir, path);
    const label = LABELS[source];
    if (!label) unlabelled.push(source);
    else photos.push({ source, path, ...label });
  }
  return { photos, unlabelled };
}

/** The photo as the camera saw it: EXIF orientation applied (the samples are stored sideways). */
export async function uprightPhoto(photo: string, outDir: string): Promise<string> {
  const out = join(outDir, basename(photo).replace(/\.\w+$/, '.upright.png'));
  await sharp(photo).rotate().png().toFile(out);
  return out;
}

/**
 * The photo upright and in shades of grey: the Silent-Face models read colour (a screen's
 * gamut, a print's inks), so a grey picture asks whether they can judge one at all.
 */
export async function greyscalePhoto(photo: string, outDir: string, name: string): Promise<string> {
  const out = join(outDir, `${name}.grey.png`);
  await sharp(photo).rotate().greyscale().png().toFile(out);
  return out;
}
