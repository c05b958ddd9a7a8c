/**
 * Mean luma of the face inside the presentation-attack crops as cut, before their exposure
 * scaling (`faceLuma` of src/vision/pad-crop.ts: the central 1/2.7 of the 2.7x crop), per sampled frame, for the
 * evaluation's bona fide clips, its presentation attacks and any extra clips given:
 *   node --import tsx src/eval/pad/face-luma-study.ts --data DIR --work DIR [EXTRA.webm ...]
 * One line per case: kind, id, lowest and median face luma over its sampled frames.
 */
import { resolveThresholds } from '../../config/index.js';
import { buildCases } from '../cases.js';
import { padTrack, PRESENTATION_ATTACKS } from './scores.js';

const th = resolveThresholds();

async function lumas(path: string): Promise<number[]> {
  return (await padTrack(path)).track.pad.map((p) => p.faceLuma);
}

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const [data, work] = [opt('--data'), opt('--work')];
const extra = args.filter((a, i) => !a.startsWith('--') && !['--data', '--work'].includes(args[i - 1] ?? ''));
if (!data || !work) {
  console.error('usage: face-luma-study.ts --data DIR --work DIR [EXTRA ...]');
  process.exit(2);
}
const built = await buildCases({ dataDir: data, workDir: work, video: th.video, reuse: true, onProgress: () => undefined });
const cases = [
  ...built.cases.filter((c) => c.kind === 'genuine' || (c.attack && PRESENTATION_ATTACKS.includes(c.attack))).map((c) => [c.kind === 'genuine' ? 'genuine' : (c.attack as string), c.id, c.videoPath] as const),
  ...extra.map((p) => ['extra', p.split('/').pop() as string, p] as const),
];
for (const [kind, id, path] of cases) {
  const l = (await lumas(path)).sort((a, b) => a - b);
  console.log([kind, id, l[0]?.toFixed(1) ?? '-', l[Math.floor(l.length / 2)]?.toFixed(1) ?? '-'].join('\t'));
}
process.exit(0);
