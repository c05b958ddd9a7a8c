import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LIGHTING, ovalLuma } from '../capture/web/lighting.js';
import { defaultDataDir } from './data-dir.js';

/**
 * The figures behind the capture page's lighting advice (src/capture/web/lighting.ts): the
 * page's oval statistics on every real clip in shared/data, as recorded and dimmed, on the
 * same 36x48 portrait crop the page samples.
 *   node --import tsx src/eval/capture-lighting.ts [DATA_DIR]
 */
const W = 36;
const H = 48;

function frames(path: string, extraFilter: string): Uint8Array[] {
  const vf = `crop='min(iw,ih*3/4)':'min(ih,iw*4/3)',scale=${W}:${H},fps=2${extraFilter},format=gray`;
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-vf', vf, '-f', 'rawvideo', '-'], { maxBuffer: 64 << 20 });
  return Array.from({ length: Math.floor(raw.length / (W * H)) }, (_, k) => raw.subarray(k * W * H, (k + 1) * W * H));
}

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const data = process.argv[2] ?? defaultDataDir();
const clips = ['grid', 'talking'].flatMap((set) =>
  readdirSync(join(data, 'video', set))
    .filter((n) => n.endsWith('.mp4'))
    .map((n) => join(data, 'video', set, n)),
);
console.log(`${clips.length} clips; limits: dark < ${LIGHTING.dark}, bright > ${LIGHTING.bright}, backlit when the surround is ${LIGHTING.backlit} brighter`);
for (const [label, filter] of [
  ['as recorded', ''],
  ['dim room (curve x0.35)', ",curves=all='0/0 1/0.35'"],
] as const) {
  const stats = clips.flatMap((c) => frames(c, filter).map((f) => ovalLuma(f, W, H, 1)));
  const inside = stats.map((s) => s.inside);
  const lift = stats.map((s) => s.outside - s.inside);
  const fmt = (x: number): string => x.toFixed(1);
  console.log(
    `${label}: ${stats.length} frames; oval luma min ${fmt(Math.min(...inside))} p5 ${fmt(quantile(inside, 0.05))} median ${fmt(quantile(inside, 0.5))} max ${fmt(Math.max(...inside))}; ` +
      `surround minus oval max ${fmt(Math.max(...lift))}; flagged dark ${inside.filter((x) => x < LIGHTING.dark).length}`,
  );
}
