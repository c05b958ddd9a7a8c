import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeFrames, probeVideo } from '../media/index.js';
import { padSpacing, PIPELINE } from '../liveness/settings.js';
import { attackScores, loadPadModels, trackFaces } from '../vision/index.js';
import { padCrops } from '../vision/pad-crop.js';
import type { BenchSection } from './index.js';
import { median } from './measure.js';
import { makeBenchClip } from './verify.js';

/**
 * `npm run bench:presentation`: what the presentation-attack check adds to a verification, in
 * CPU time (wall time on the shared machine says more about the neighbours than about us): the
 * models on the sampled frames of the bench:verify clip (the presentation stage), and the two
 * crops the tracker makes of each sampled frame (part of the vision stage).
 */

const RUNS = Number(process.env.BENCH_PRESENTATION_RUNS) || 15;

const cpuMs = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};

export async function benchPresentation(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-bench-pad-'));
  try {
    const clip = makeBenchClip(dir);
    const info = await probeVideo(clip, { minShortSide: 1, minLongSide: 1, maxDurationSec: 60, timeoutMs: 30_000 });
    const spacing = padSpacing(info.durationSec);
    const frames = decodeFrames(clip, info, { fps: PIPELINE.fps, longSide: PIPELINE.longSide, maxDurationSec: 60, timeoutMs: 120_000 });
    const track = await trackFaces(frames, { minFaceScore: 0.5, keepBest: 1, keyframeEvery: PIPELINE.keyframeEvery, padEverySec: spacing });
    await loadPadModels();
    await attackScores(track, PIPELINE.padFrames);
    const stage: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const from = process.cpuUsage();
      await attackScores(track, PIPELINE.padFrames);
      stage.push(cpuMs(from));
    }
    const best = track.best[0];
    const mesh = Array.from({ length: 468 }, (_, i): [number, number, number] => {
      const b = best.face.box;
      return [b.x + ((i % 22) / 21) * b.width, b.y + (Math.floor(i / 22) / 21) * b.height, 0];
    });
    const from = process.cpuUsage();
    for (let i = 0; i < 100; i++) padCrops(best.frame, mesh);
    const cropMs = cpuMs(from) / 100;
    const n = Math.min(track.pad.length, PIPELINE.padFrames);
    const figures = { presentationStageCpuMs: median(stage), frames: n, cropCpuMsPerFrame: cropMs, addedCpuMs: median(stage) + n * cropMs };
    const markdown = [
      `Clip: bench:verify's (5 s, 1280x720), ${n} frames sampled (${spacing.toFixed(2)} s apart), median of ${RUNS} runs, CPU time of this process.`,
      '',
      '| part | CPU |',
      '|---|---|',
      `| presentation stage: both models on ${n} frames | ${figures.presentationStageCpuMs.toFixed(1)} ms |`,
      `| crops made while tracking (2 per sampled frame) | ${cropMs.toFixed(2)} ms per frame, ${(n * cropMs).toFixed(1)} ms in all |`,
      `| **added to a verification** | **${figures.addedCpuMs.toFixed(1)} ms** (budget 150 ms) |`,
    ].join('\n');
    return { title: 'Presentation-attack check (CPU)', markdown, figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = await benchPresentation();
  console.log(`## ${s.title}\n\n${s.markdown}`);
}
