/**
 * The presentation check alone on the evaluation's bona fide clips and presentation attacks:
 *   node --import tsx src/eval/pad/scores.ts --data ../shared/data --work DIR --out FILE.json [--shard 0/2]
 *
 * Each case goes through the pipeline's own video side (probe, decode at the pipeline's rate,
 * face tracking with the presentation-attack crops, the models on the sampled frames) and then
 * checkPresentation, with the shipped thresholds; speech and the other checks are not run, which
 * makes this a few times cheaper than `livecheck eval`. The output has the shape of metrics.json's
 * `results` (only the presentation check filled in), so thresholds.ts reads either.
 * `--work` reuses the media an earlier `livecheck eval --work DIR` built (same seed, same files).
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { resolveThresholds } from '../../config/index.js';
import { checkPresentation } from '../../liveness/checks/presentation.js';
import type { Evidence } from '../../liveness/evidence.js';
import { probeLimits } from '../../liveness/index.js';
import { padSpacing, PIPELINE } from '../../liveness/settings.js';
import { decodeFrames, probeVideo, type VideoInfo } from '../../media/index.js';
import { attackScores, trackFaces, type TrackResult } from '../../vision/index.js';
import { buildCases } from '../cases.js';
import type { AttackType, CaseResult, EvalCase } from '../types.js';

/** Attacks a presentation check is meant to catch (the rest change the sound or the timing). */
export const PRESENTATION_ATTACKS: readonly AttackType[] = [
  'screen-recapture',
  'screen-replay',
  'phone-replay',
  'print-photo',
  'still-photo',
  'warped-photo',
  'real-print-photo',
  'real-screen-photo',
];

const th = resolveThresholds();

/** The pipeline's video side up to the presentation-attack crops: probe, decode at its rate, track with the crops cut. */
export async function padTrack(path: string): Promise<{ info: VideoInfo; track: TrackResult }> {
  const info = await probeVideo(path, probeLimits(th));
  const frames = decodeFrames(path, info, { maxDurationSec: th.video.maxDurationSec, timeoutMs: PIPELINE.decodeTimeoutMs, fps: PIPELINE.fps, longSide: PIPELINE.longSide });
  return { info, track: await trackFaces(frames, { minFaceScore: th.face.minFaceScore, keepBest: 1, keyframeEvery: PIPELINE.keyframeEvery, padEverySec: padSpacing(info.durationSec) }) };
}

async function scoreCase(c: EvalCase): Promise<CaseResult> {
  const t0 = performance.now();
  const base = { id: c.id, kind: c.kind, attack: c.attack, judgedBy: c.judgedBy, targets: c.targets, sources: c.sources, live: null };
  try {
    const { info, track } = await padTrack(c.videoPath);
    const attack = track.pad.length > 0 ? await attackScores(track, PIPELINE.padFrames) : null;
    const ev: Evidence = { info, invalidReason: null, pcm: null, audio: null, track, fps: PIPELINE.fps, attack, digits: null, stageMs: {} };
    const { report } = checkPresentation(ev, th);
    const { name, passed, score, threshold, message, extra } = report;
    return { ...base, checks: [{ name, passed, score, threshold, message, extra }], ms: Math.round(performance.now() - t0) };
  } catch (err) {
    return { ...base, checks: [], error: err instanceof Error ? err.message : String(err), ms: Math.round(performance.now() - t0) };
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const [dataDir, workDir, out] = [opt('--data'), opt('--work'), opt('--out')];
  const [shard, shards] = (opt('--shard') ?? '0/1').split('/').map(Number);
  if (!dataDir || !workDir || !out || !(shards >= 1 && shard >= 0 && shard < shards)) {
    console.error('usage: scores.ts --data DIR --work DIR --out FILE.json [--shard i/n]');
    process.exitCode = 2;
    return;
  }
  const built = await buildCases({ dataDir, workDir, video: th.video, reuse: true, onProgress: (l) => console.error(l) });
  const cases = built.cases.filter((c) => c.kind === 'genuine' || (c.attack && PRESENTATION_ATTACKS.includes(c.attack))).filter((_, i) => i % shards === shard);
  const results: CaseResult[] = [];
  for (const c of cases) {
    results.push(await scoreCase(c));
    const r = results[results.length - 1];
    console.error(`${results.length}/${cases.length} ${c.id} ${r.error ?? r.checks[0]?.message}`);
  }
  await writeFile(out, JSON.stringify({ results }, null, 1));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
