import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveThresholds } from '../config/index.js';
import type { Inference, VideoVerifyResult } from '../core/inference.js';
import { defaultDataDir } from '../eval/data-dir.js';
import { ffmpegPath } from '../media/index.js';
import { createInference } from '../workers/index.js';
import type { BenchSection } from './index.js';
import { childCpuSeconds, median, ownCpuSeconds } from './measure.js';

/**
 * `npm run bench:verify`: end-to-end time of one 5-second 720p talking-head clip through the
 * worker pool (median of several sequential runs, with the time of each stage), side by side
 * with plain ffmpeg decoding the same clip to raw frames and audio (each verification right
 * after one decode, so both see the same machine), then throughput with concurrent requests.
 * The clip is a real talking head from ../shared/data scaled and padded to 1280x720, so face,
 * mesh and digits do their real amount of work.
 */

const RUNS = Number(process.env.BENCH_VERIFY_RUNS) || 7;
const CONCURRENT_REQUESTS = Number(process.env.BENCH_VERIFY_REQUESTS) || 12;
/** BENCH_VERIFY_SPLIT=0 measures without lending an idle second thread to a verification. */
const SPLIT = process.env.BENCH_VERIFY_SPLIT !== '0';

export function makeBenchClip(dir: string): string {
  const source = join(defaultDataDir(), 'video', 'talking', 'retalking_2.mp4');
  if (!existsSync(source)) throw new Error(`bench:verify needs ${source} (set LIVECHECK_SHARED_DATA)`);
  const out = join(dir, 'clip-720p.mp4');
  execFileSync(ffmpegPath(), [
    '-v', 'error', '-y', '-i', source, '-t', '5',
    '-vf', 'scale=720:720,pad=1280:720:280:0,format=yuv420p', '-r', '30',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-c:a', 'aac', '-b:a', '64k', out,
  ]);
  return out;
}

/** CPU seconds used so far by this process (all threads) and its reaped children (ffmpeg). */
function cpuSeconds(): number {
  return ownCpuSeconds() + childCpuSeconds();
}

/**
 * The machine's steal and total clock ticks (/proc/stat): on a virtual machine, steal is time
 * its cores were ready to run but the host ran something else, which slows every figure here.
 */
function machineTicks(): { steal: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { steal: cpu[7] ?? 0, total: cpu.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/**
 * The reference the issue measures against: ffmpeg with its default threading decoding every
 * frame of the clip to raw RGB at full size and its audio to float PCM, both read and dropped.
 */
function ffmpegDecode(clip: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const args = ['-nostdin', '-v', 'error', '-i', clip, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1', '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-f', 'f32le', 'pipe:3'];
    const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'inherit', 'pipe'] });
    child.stdout?.resume();
    (child.stdio[3] as NodeJS.ReadableStream).resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`reference ffmpeg exited with ${code}`))));
  });
}

async function timed(inference: Inference, videoPath: string): Promise<{ ms: number; result: VideoVerifyResult }> {
  const t0 = performance.now();
  const result = await inference.verifyVideo({ videoPath, digits: '1234' });
  return { ms: performance.now() - t0, result };
}

export async function benchVerify(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-bench-verify-'));
  const workers = Math.max(1, Number(process.env.LIVECHECK_WORKERS) || availableParallelism());
  const inference = createInference({ workers, maxQueue: CONCURRENT_REQUESTS, thresholds: resolveThresholds(), splitWhenIdle: SPLIT });
  try {
    const clip = makeBenchClip(dir);
    const loadBefore = loadavg()[0];
    const ticksBefore = machineTicks();
    // Warm both threads (model load, WASM compilation) before measuring anything.
    await Promise.all(Array.from({ length: workers }, () => timed(inference, clip)));

    const runs: { ms: number; result: VideoVerifyResult }[] = [];
    const decodes: number[] = [];
    let cpuSum = 0;
    let decodeCpuSum = 0;
    for (let i = 0; i < RUNS; i++) {
      const decodeCpuBefore = childCpuSeconds();
      decodes.push(await ffmpegDecode(clip));
      decodeCpuSum += childCpuSeconds() - decodeCpuBefore;
      // CPU time does not depend on what else the machine runs, unlike wall time. The reference
      // ffmpeg has been reaped before this, so only the verification's own children count.
      const cpuBefore = cpuSeconds();
      runs.push(await timed(inference, clip));
      cpuSum += cpuSeconds() - cpuBefore;
    }
    const cpuPerRequest = cpuSum / RUNS;
    // The machine's speed moves every CPU figure; the reference decode's moves with it, so the
    // ratio of the two is what compares across machines and days.
    const decodeCpu = decodeCpuSum / RUNS;
    const decodeMedian = median(decodes);
    const pairRatio = median(runs.map((r, i) => r.ms / decodes[i]));
    const stages = [...new Set(runs.flatMap((r) => Object.keys(r.result.timingsMs)))];
    const stageMedian = Object.fromEntries(stages.map((s) => [s, median(runs.map((r) => r.result.timingsMs[s] ?? 0))]));
    const single = median(runs.map((r) => r.ms));
    const ratio = single / decodeMedian;

    const t0 = performance.now();
    const cpuLoadBefore = cpuSeconds();
    await Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, () => timed(inference, clip)));
    const wallSec = (performance.now() - t0) / 1000;
    // Under load no verification borrows a second thread, so this is the throughput cost.
    const cpuUnderLoad = (cpuSeconds() - cpuLoadBefore) / CONCURRENT_REQUESTS;
    const perMinute = (CONCURRENT_REQUESTS / wallSec) * 60;
    const loadAfter = loadavg()[0];
    const ticksAfter = machineTicks();
    const stealPercent = ticksBefore && ticksAfter && ticksAfter.total > ticksBefore.total ? (100 * (ticksAfter.steal - ticksBefore.steal)) / (ticksAfter.total - ticksBefore.total) : null;
    const idleCapacity = (workers * 60) / cpuUnderLoad;

    const checks = runs[0].result.checks.map((c) => `${c.name}=${c.passed === null ? 'n/a' : c.passed ? 'pass' : 'fail'}`).join(', ');
    const markdown = [
      `Clip: 5 s, 1280x720, 30 fps H.264/AAC (a talking head from ../shared/data/video/talking, padded); analysed at the pipeline's frame rate and size.`,
      `Pool: ${workers} worker thread(s), ${SPLIT ? 'a verification borrows the second thread when both are idle' : 'no thread lending (BENCH_VERIFY_SPLIT=0)'}; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (other work on the machine counts)${stealPercent === null ? '' : `; the host took ${stealPercent.toFixed(1)}% of the cores' time (steal)`}.`,
      '',
      `| measure | value |`,
      `|---|---|`,
      `| end-to-end, median of ${RUNS} sequential runs | ${(single / 1000).toFixed(2)} s |`,
      `| ffmpeg decoding the same clip to raw RGB frames and PCM audio (default threads), median of ${RUNS} | ${(decodeMedian / 1000).toFixed(2)} s |`,
      `| ratio verification / decode (medians; goal <= 3.0, moonshot 1.5) | ${ratio.toFixed(2)}x (median of the ${RUNS} paired ratios ${pairRatio.toFixed(2)}x) |`,
      `| fastest / slowest run | ${(Math.min(...runs.map((r) => r.ms)) / 1000).toFixed(2)} s / ${(Math.max(...runs.map((r) => r.ms)) / 1000).toFixed(2)} s |`,
      ...stages.map((s) => `| stage ${s} (median) | ${stageMedian[s]} ms |`),
      `| throughput, ${CONCURRENT_REQUESTS} concurrent requests (goal >= 60, moonshot 80) | ${perMinute.toFixed(1)} verifications/min (${wallSec.toFixed(1)} s wall) |`,
      `| CPU time per verification, sequential runs (all threads + ffmpeg; goal <= 1.5 s) | ${cpuPerRequest.toFixed(2)} s |`,
      `| CPU time per verification, ${CONCURRENT_REQUESTS} concurrent | ${cpuUnderLoad.toFixed(2)} s |`,
      `| CPU time of the reference decode (ffmpeg, all its threads), mean of ${RUNS} | ${decodeCpu.toFixed(2)} s |`,
      `| CPU time per verification in reference decodes, sequential / ${CONCURRENT_REQUESTS} concurrent (moves less with the machine's speed than seconds do) | ${(cpuPerRequest / decodeCpu).toFixed(2)}x / ${(cpuUnderLoad / decodeCpu).toFixed(2)}x |`,
      `| capacity if ${workers} cores were free (${workers} x 60 / CPU time under load; an estimate, not a measurement) | ${idleCapacity.toFixed(0)} verifications/min |`,
      '',
      `Checks on the clip: ${checks}.`,
    ].join('\n');
    return {
      title: 'Video verification (bench:verify)',
      markdown,
      figures: {
        medianSec: single / 1000,
        decodeMedianSec: decodeMedian / 1000,
        ratioToDecode: ratio,
        pairedRatioMedian: pairRatio,
        perMinute,
        cpuSecPerRequest: cpuPerRequest,
        cpuSecPerRequestUnderLoad: cpuUnderLoad,
        decodeCpuSec: decodeCpu,
        cpuPerDecodeCpu: cpuPerRequest / decodeCpu,
        cpuUnderLoadPerDecodeCpu: cpuUnderLoad / decodeCpu,
        ...(stealPercent === null ? {} : { stealPercent }),
        split: SPLIT ? 1 : 0,
        idleCapacityPerMinute: idleCapacity,
        workers,
        loadBefore,
        loadAfter,
        ...Object.fromEntries(stages.map((s) => [`stageMs.${s}`, stageMedian[s]])),
      },
    };
  } finally {
    await inference.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchVerify();
  console.log(`## ${r.title}\n\n${r.markdown}\n`);
  console.log(JSON.stringify(r.figures));
}
