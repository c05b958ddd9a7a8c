import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FaceTemplate } from '../../core/inference.js';
import type { FaceEmbedder } from '../../compare/embedder.js';
import { sharedDataDir } from './data.js';
import { distribution, type Distribution } from './metrics.js';

/**
 * Same-person and different-person `sim` between video frames, decoded the way the pipeline
 * sees them (long side 480): the photo calibration does not have to hold for small,
 * compressed frames. Clips come from shared/data/video; retalking_3.mp4 shows the same person
 * as WDA_AlexandriaOcasioCortez_000.mp4 (checked by eye), every other clip a different one.
 */
const SAME_PERSON: Record<string, string> = { 'retalking_3.mp4': 'WDA_AlexandriaOcasioCortez_000.mp4' };
const TIMES = ['0.8', '1.6', '2.4'];
const LONG_SIDE = 480;

export interface VideoFrameReport {
  clips: number;
  framesWithoutTemplate: number;
  genuine: Distribution;
  impostor: Distribution;
  impostorsAtOrAbove70: number;
}

function frameAt(clip: string, t: string): { width: number; height: number; data: Uint8Array } {
  const [w0, h0] = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', clip])
    .toString()
    .trim()
    .split(',')
    .map(Number);
  const width = w0 >= h0 ? LONG_SIDE : 2 * Math.round((w0 * LONG_SIDE) / h0 / 2);
  const height = w0 >= h0 ? 2 * Math.round((h0 * LONG_SIDE) / w0 / 2) : LONG_SIDE;
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-ss', t, '-i', clip, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    maxBuffer: 1 << 26,
  });
  return { width, height, data: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) };
}

export async function evaluateVideoFrames(embedder: FaceEmbedder): Promise<VideoFrameReport | null> {
  const root = join(sharedDataDir(), 'video');
  if (!existsSync(root)) return null;
  const clips = ['grid', 'talking'].flatMap((d) =>
    existsSync(join(root, d)) ? readdirSync(join(root, d)).filter((f) => f.endsWith('.mp4')).map((f) => join(root, d, f)) : [],
  );
  const frames: Array<{ person: string; template: FaceTemplate }> = [];
  let missing = 0;
  for (const clip of clips) {
    const name = clip.split('/').pop() ?? clip;
    for (const t of TIMES) {
      const r = await embedder.embedFrame({ ...frameAt(clip, t), t: Number(t) });
      if (r.ok) frames.push({ person: SAME_PERSON[name] ?? name, template: r.template });
      else missing++;
    }
  }
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < frames.length; i++) {
    for (let j = i + 1; j < frames.length; j++) {
      (frames[i].person === frames[j].person ? genuine : impostor).push(embedder.similarity(frames[i].template, frames[j].template));
    }
  }
  return {
    clips: clips.length,
    framesWithoutTemplate: missing,
    genuine: distribution(genuine),
    impostor: distribution(impostor),
    impostorsAtOrAbove70: impostor.filter((s) => s >= 70).length,
  };
}
