import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Candidate, faceApi, humanAligned, humanBuiltIn, production } from './candidates.js';
import { getFaceEmbedder } from './embedder.js';
import { allImpostorPairs, type FacePairs, facesDir, loadPairs } from './eval-data.js';
import { evaluateVideoFrames } from './eval-video.js';
import { distribution, normalUpperQuantile, tarAtFar, type Distribution } from './metrics.js';
import { cosine } from './similarity.js';
import { resolveThresholds } from '../config/index.js';

/**
 * Face-recognition evaluation on ../shared/data/faces/pairs.csv (124 genuine, 124 impostor
 * pairs) plus every cross-identity pair among its 60 images (1646 impostor pairs).
 *
 *   nice -n 10 node --import tsx src/compare/evaluate.ts [--only service,human-aligned] [--json out.json] [--video]
 *
 * `--video` adds the service's `sim` between video frames (eval-video.ts).
 *
 * Scores are cosine similarities of L2-normalised embeddings; a pair whose image gave no
 * template counts as a rejected genuine pair and is left out of the impostor scores.
 */

export interface CandidateReport {
  name: string;
  failures: string[];
  msPerImage: number;
  genuine: Distribution;
  impostorCsv: Distribution;
  impostorAll: Distribution;
  tarAt1pctCsv: number;
  tarAt1pctAll: number;
  tarAt01pctAll: number;
  threshold1pctAll: number;
  threshold01pctAll: number;
  /** Normal fit to all impostor scores: where 1/1000 and 1/10000 false accepts fall. */
  gaussFar1e3: number;
  gaussFar1e4: number;
}

export async function evaluateCandidate(c: Candidate, pairs: FacePairs): Promise<CandidateReport> {
  const emb = new Map<string, number[] | null>();
  const t0 = performance.now();
  for (const img of pairs.images.keys()) emb.set(img, await c.embedFile(join(pairs.dir, img)));
  const msPerImage = (performance.now() - t0) / pairs.images.size;
  const score = ([a, b]: [string, string]): number | null => {
    const ea = emb.get(a);
    const eb = emb.get(b);
    return ea && eb ? cosine(ea, eb) : null;
  };
  // A genuine pair without a template is a false reject: score it below every threshold.
  const genuine = pairs.genuine.map((p) => score(p) ?? -1);
  const impostorCsv = pairs.impostor.map(score).filter((s): s is number => s !== null);
  const impostorAll = allImpostorPairs(pairs.images).map(score).filter((s): s is number => s !== null);
  const all = distribution(impostorAll);
  const at1 = tarAtFar(genuine, impostorAll, 0.01);
  const at01 = tarAtFar(genuine, impostorAll, 0.001);
  return {
    name: c.name,
    failures: [...emb.entries()].filter(([, e]) => !e).map(([k]) => k),
    msPerImage,
    genuine: distribution(genuine),
    impostorCsv: distribution(impostorCsv),
    impostorAll: all,
    tarAt1pctCsv: tarAtFar(genuine, impostorCsv, 0.01).tar,
    tarAt1pctAll: at1.tar,
    tarAt01pctAll: at01.tar,
    threshold1pctAll: at1.threshold,
    threshold01pctAll: at01.threshold,
    gaussFar1e3: all.mean + normalUpperQuantile(1e-3) * all.sd,
    gaussFar1e4: all.mean + normalUpperQuantile(1e-4) * all.sd,
  };
}

const f3 = (x: number): string => x.toFixed(3);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function reportMarkdown(reports: CandidateReport[]): string {
  const rows = reports.map(
    (r) =>
      `| ${r.name} | ${r.failures.length} | ${pct(r.tarAt1pctCsv)} | ${pct(r.tarAt1pctAll)} | ${pct(r.tarAt01pctAll)} | ` +
      `${f3(r.genuine.median)} (${f3(r.genuine.p5)}..${f3(r.genuine.max)}) | ${f3(r.impostorAll.median)} (${f3(r.impostorAll.min)}..${f3(r.impostorAll.max)}) | ` +
      `${f3(r.gaussFar1e3)} / ${f3(r.gaussFar1e4)} | ${r.msPerImage.toFixed(0)} |`,
  );
  return [
    '| model | images without template | TAR @ FAR 1% (124 CSV impostors) | TAR @ FAR 1% (all impostors) | TAR @ FAR 0.1% (all impostors) | genuine cosine median (p5..max) | impostor cosine median (min..max) | normal-fit cosine at FAR 1e-3 / 1e-4 | ms per image |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const dir = facesDir();
  if (!dir) {
    console.error('shared face data not found (set LIVECHECK_SHARED_DATA); nothing to evaluate');
    process.exitCode = 2;
    return;
  }
  const pairs = loadPairs(dir);
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const out = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
  const factories: Array<[string, () => Promise<Candidate>]> = [
    ['service', () => production()],
    ['human-builtin', () => humanBuiltIn()],
    ['human-aligned', () => humanAligned({ size: 224, eyeDistance: 0.3, eyeY: 0.4 })],
    ['human-aligned-dlib-chip', () => humanAligned({ size: 224, eyeDistance: 0.353, eyeY: 0.288 })],
    ['faceapi-native', () => faceApi('native')],
    ['faceapi-aligned', () => faceApi()],
  ];
  const reports: CandidateReport[] = [];
  for (const [key, make] of factories) {
    if (only && !only.split(',').includes(key)) continue;
    const report = await evaluateCandidate(await make(), pairs);
    reports.push(report);
    console.error(`${key}: TAR@1% ${pct(report.tarAt1pctAll)}, TAR@0.1% ${pct(report.tarAt01pctAll)}, failures ${report.failures.join(' ') || 'none'}`);
  }
  console.log(reportMarkdown(reports));
  const video = args.includes('--video') ? await evaluateVideoFrames(await getFaceEmbedder(resolveThresholds().compare)) : null;
  if (video) {
    const d = (x: Distribution) => `min ${x.min.toFixed(1)}, median ${x.median.toFixed(1)}, max ${x.max.toFixed(1)} (n=${x.n})`;
    console.log(`\nVideo frames (${video.clips} clips, long side 480, ${video.framesWithoutTemplate} frames without template): same person sim ${d(video.genuine)}; different people sim ${d(video.impostor)}, ${video.impostorsAtOrAbove70} at or above 70.`);
  }
  if (out) writeFileSync(out, JSON.stringify({ photos: reports, video }, null, 2));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
