import { LIGHTING } from '../capture/web/lighting.js';
import { previewFrames, previewOval, realClips } from './capture-preview.js';
import { defaultDataDir } from './data-dir.js';

/**
 * The figures behind the capture page's lighting advice (src/capture/web/lighting.ts): the
 * page's oval statistics on every real clip in shared/data, as recorded and dimmed, on the
 * same 36x48 portrait crop the page samples.
 *   node --import tsx src/eval/capture-lighting.ts [DATA_DIR]
 */
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const data = process.argv[2] ?? defaultDataDir();
const clips = realClips(data).map((c) => c.path);
console.log(`${clips.length} clips; limits: dark < ${LIGHTING.dark}, bright > ${LIGHTING.bright}, backlit when the surround is ${LIGHTING.backlit} brighter`);
for (const [label, filter] of [
  ['as recorded', ''],
  ['dim room (curve x0.35)', ",curves=all='0/0 1/0.35'"],
] as const) {
  const stats = clips.flatMap((c) => previewFrames(c, filter).map(previewOval));
  const inside = stats.map((s) => s.inside);
  const lift = stats.map((s) => s.outside - s.inside);
  const fmt = (x: number): string => x.toFixed(1);
  console.log(
    `${label}: ${stats.length} frames; oval luma min ${fmt(Math.min(...inside))} p5 ${fmt(quantile(inside, 0.05))} median ${fmt(quantile(inside, 0.5))} max ${fmt(Math.max(...inside))}; ` +
      `surround minus oval max ${fmt(Math.max(...lift))}; flagged dark ${inside.filter((x) => x < LIGHTING.dark).length}`,
  );
}
