/**
 * The body-cut cue (body-cut.ts) on the evaluation's bona fide clips, its presentation attacks
 * and the honest and attack photos, to see whether a straight edge under the chin or beside the
 * face separates them:
 *   node --import tsx src/eval/pad/body-cut-study.ts --data ../shared/data --work DIR > OUT.tsv
 * `--work` is the media a `livecheck eval --work DIR` built (the attack clips are read from it).
 * Clips: 8 frames spread over the clip, the largest face's mesh on each, the median over frames.
 * Photos: the largest face. One line per case: kind, name, below, beside, max of the two.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { resolveThresholds } from '../../config/index.js';
import type { RgbFrame } from '../../core/frames.js';
import { spreadIndices } from '../../core/spread.js';
import { probeLimits } from '../../liveness/index.js';
import { PIPELINE } from '../../liveness/settings.js';
import { decodeFrames, probeVideo } from '../../media/index.js';
import { detectFaces } from '../../vision/index.js';
import { bodyCut, type BodyCut } from './body-cut.js';
import { PRESENTATION_ATTACKS } from './scores.js';

const th = resolveThresholds();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function onFrame(frame: RgbFrame): Promise<BodyCut | null> {
  const faces = (await detectFaces(frame)).filter((f) => f.mesh.length >= 468);
  if (faces.length === 0) return null;
  const main = faces.reduce((a, b) => (b.box[2] * b.box[3] > a.box[2] * a.box[3] ? b : a));
  return bodyCut(frame, main.mesh);
}

async function onClip(path: string): Promise<BodyCut | null> {
  const info = await probeVideo(path, probeLimits(th));
  const frames: RgbFrame[] = [];
  for await (const f of decodeFrames(path, info, { maxDurationSec: 60, timeoutMs: 60_000, fps: PIPELINE.fps, longSide: PIPELINE.longSide })) frames.push(f);
  const cuts = (await Promise.all(spreadIndices(frames.length, 8, 0.5).map((i) => onFrame(frames[i])))).filter((c): c is BodyCut => c !== null);
  return cuts.length === 0 ? null : { below: median(cuts.map((c) => c.below)), beside: median(cuts.map((c) => c.beside)) };
}

async function onPhoto(path: string): Promise<BodyCut | null> {
  const { data, info } = await sharp(path).rotate().resize({ width: 480, height: 480, fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return onFrame({ width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length), t: 0 });
}

async function files(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  const found = await Promise.all((await readdir(dir, { withFileTypes: true })).map((e) => (e.isDirectory() ? files(join(dir, e.name), keep) : Promise.resolve(keep(e.name) ? [join(dir, e.name)] : []))));
  return found.flat().sort();
}

/** Kind, path, and how to measure it. */
type Case = [string, string, () => Promise<BodyCut | null>];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const [data, work] = [opt('--data'), opt('--work')];
  if (!data || !work) {
    console.error('usage: body-cut-study.ts --data DIR --work DIR');
    process.exitCode = 2;
    return;
  }
  const attack = (name: string): string | undefined => PRESENTATION_ATTACKS.find((a) => name.startsWith(`${a}-`));
  const cases: Case[] = [
    ...(await files(join(work, 'genuine'), (n) => n.endsWith('.mp4'))).map((p): Case => ['genuine', p, () => onClip(p)]),
    ...(await files(join(data, 'video', 'talking'), (n) => n.endsWith('.mp4'))).map((p): Case => ['genuine', p, () => onClip(p)]),
    ...(await files(join(work, 'attacks'), (n) => n.endsWith('.mp4') && attack(n) !== undefined)).map((p): Case => [attack(p.split('/').pop() as string) as string, p, () => onClip(p)]),
    ...(await files(join(data, 'faces'), (n) => /\.(jpe?g|png)$/i.test(n))).map((p): Case => ['photo', p, () => onPhoto(p)]),
    ...(await files(join(data, 'spoof'), (n) => /\.(jpe?g|png)$/i.test(n) && !n.includes('_result'))).map((p): Case => ['spoof-photo', p, () => onPhoto(p)]),
  ];
  for (const [kind, path, run] of cases) {
    const cut = await run().catch((err: unknown) => (console.error(`${path}: ${String(err)}`), null));
    const name = path.replace(`${data}/`, '').replace(`${work}/`, '');
    console.log([kind, name, cut ? cut.below.toFixed(2) : '-', cut ? cut.beside.toFixed(2) : '-', cut ? Math.max(cut.below, cut.beside).toFixed(2) : '-'].join('\t'));
  }
}

await main();
process.exit(0);
