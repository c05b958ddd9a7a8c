import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveThresholds } from '../config/index.js';
import { probeLimits, verifyVideo, PIPELINE } from '../liveness/index.js';
import { ffmpegPath, frameSize, probeVideo, startMediaDecode } from '../media/index.js';
import { warmUpSpeech } from '../speech/index.js';
import { getFaceModels } from '../vision/index.js';
import { createInference } from '../workers/index.js';
import type { BenchSection } from './index.js';
import { childCpuSeconds, median, ownCpuSeconds } from './measure.js';
import { makeBenchClip } from './verify.js';

/**
 * `npm run bench:profile`: where a verification's time goes. On this thread (no pool): the
 * ffmpeg child process alone (CPU from /proc; ffprobe too, which the pipeline no longer runs), every face-model call timed, and a
 * V8 CPU profile of whole verifications grouped by what the code does; then wall time per stage
 * with one thread and with two (the pool lending its idle second thread).
 */

const RUNS = Number(process.env.BENCH_PROFILE_RUNS) || 5;

const ms = (v: number): string => v.toFixed(v < 10 ? 2 : 0);
const ownCpuMs = (): number => ownCpuSeconds() * 1000;
const childCpuMs = (): number => childCpuSeconds() * 1000;

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples?: number[];
  timeDeltas?: number[];
}

function partOf(url: string, fn: string): string | null {
  if (fn === '(idle)') return 'idle (waiting for ffmpeg or a frame)';
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'other (V8, Node.js, checks)';
  // A native function (onnxruntime's run, a syscall) counts for the JavaScript that called it.
  if (!url) return null;
  if (url.includes('onnxruntime')) return 'onnxruntime (face models and the digit model)';
  if (url.includes('/vision/resample')) return 'model inputs: resampling frames to 256/192/128/32 px';
  if (url.includes('/vision/image-stats')) return 'face-box sharpness, brightness and change';
  if (url.includes('/vision/')) return 'face pipeline arithmetic (anchors, boxes, mesh, angles)';
  if (url.includes('/media/') || url.startsWith('node:')) return 'frames and audio from ffmpeg (pipes, processes, frame assembly)';
  if (url.includes('/audio/')) return 'audio analysis (loudness, VAD, voice band)';
  if (url.includes('/speech/')) return 'digit verification (JS side)';
  if (url.includes('sharp') || url.includes('best-frame')) return 'best frame to JPEG';
  return 'other (V8, Node.js, checks)';
}

/** Self time of a V8 profile by the part of the pipeline the code belongs to. */
function byPart(profile: CpuProfile): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const part = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = nodes.get(at);
      const p = n ? partOf(n.callFrame.url, n.callFrame.functionName) : null;
      if (p) return p;
    }
    return 'other (V8, Node.js, checks)';
  };
  const out = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const key = part(id);
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  return out;
}

export async function benchVerifyProfile(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-bench-profile-'));
  const th = resolveThresholds();
  try {
    const clip = makeBenchClip(dir);
    const loadBefore = loadavg()[0];
    execFileSync(ffmpegPath(), ['-version'], { stdio: 'ignore' });
    const models = await getFaceModels();
    // As a worker thread starts (src/workers/tasks.ts): the profile is of a warm thread.
    await warmUpSpeech();
    await verifyVideo({ videoPath: clip, digits: '1234' }, th);

    // The decoding child process alone, which also describes the upload (the probe).
    let c = childCpuMs();
    const own = ownCpuMs();
    let t = performance.now();
    let frames = 0;
    let described = 0;
    for (let i = 0; i < RUNS; i++) {
      const media = startMediaDecode(clip, { fps: PIPELINE.fps, longSide: PIPELINE.longSide, maxDurationSec: th.video.maxDurationSec, timeoutMs: 60_000, audio: true });
      const t0 = performance.now();
      const info = await media.probe(probeLimits(th));
      described += performance.now() - t0;
      for await (const frame of media.frames(frameSize(info, PIPELINE.longSide))) frames += frame.width > 0 ? 1 : 0;
      await media.audio;
    }
    const decode = { cpu: (childCpuMs() - c) / RUNS, node: (ownCpuMs() - own) / RUNS, wall: (performance.now() - t) / RUNS, described: described / RUNS };
    // ffprobe alone, as tools still use it: what the pipeline no longer spends.
    c = childCpuMs();
    t = performance.now();
    for (let i = 0; i < RUNS; i++) await probeVideo(clip, probeLimits(th));
    const ffprobe = { cpu: (childCpuMs() - c) / RUNS, wall: (performance.now() - t) / RUNS };
    frames /= RUNS;

    // Every face-model call of whole verifications, timed (CPU of this thread, which runs them).
    const calls = new Map<string, { n: number; cpu: number }>();
    const originals = Object.entries(models).map(([name, runner]) => [name, runner, runner.run] as const);
    for (const [name, runner, run] of originals) {
      runner.run = async (input: Float32Array, size: number) => {
        const c0 = ownCpuMs();
        const r = await run.call(runner, input, size);
        const entry = calls.get(name) ?? { n: 0, cpu: 0 };
        calls.set(name, { n: entry.n + 1, cpu: entry.cpu + ownCpuMs() - c0 });
        return r;
      };
    }
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    const stageRuns: Array<Record<string, number>> = [];
    c = childCpuMs();
    const own2 = ownCpuMs();
    for (let i = 0; i < RUNS; i++) stageRuns.push((await verifyVideo({ videoPath: clip, digits: '1234' }, th)).timingsMs);
    const verifyCpu = { node: (ownCpuMs() - own2) / RUNS, children: (childCpuMs() - c) / RUNS };
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    for (const [, runner, run] of originals) runner.run = run;
    const parts = [...byPart(profile as CpuProfile).entries()].sort((a, b) => b[1] - a[1]);

    // Wall time per stage, one thread and two (the pool lends its idle second thread).
    const pooled: Record<string, Array<Record<string, number>>> = {};
    for (const split of [false, true]) {
      const pool = createInference({ workers: Math.min(2, availableParallelism()), maxQueue: 2, thresholds: th, splitWhenIdle: split });
      try {
        await pool.verifyVideo({ videoPath: clip, digits: '1234' });
        await pool.verifyVideo({ videoPath: clip, digits: '1234' });
        pooled[split ? 'two' : 'one'] = [];
        for (let i = 0; i < RUNS; i++) pooled[split ? 'two' : 'one'].push((await pool.verifyVideo({ videoPath: clip, digits: '1234' })).timingsMs);
      } finally {
        await pool.close();
      }
    }
    const stages = ['probe', 'audio', 'digits', 'vision', 'visionHelper', 'presentation', 'total'];
    const stageMedian = (runs: Array<Record<string, number>>, s: string): string => (runs.some((r) => r[s] !== undefined) ? `${median(runs.map((r) => r[s] ?? 0))} ms` : '-');

    const modelRows = [...calls.entries()].map(([name, v]) => `| ${name} | ${ms(v.n / RUNS)} | ${ms(v.cpu / v.n)} ms | ${ms(v.cpu / RUNS)} ms |`);
    const modelTotal = [...calls.values()].reduce((s, v) => s + v.cpu, 0) / RUNS;
    const markdown = [
      `The bench clip (5 s, 1280x720, 30 fps; ${frames} frames analysed at ${PIPELINE.fps} fps, long side ${PIPELINE.longSide}), ${RUNS} runs of each measurement after a warm-up; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after. CPU times are less sensitive to other work on the machine than wall times, not immune to it.`,
      '',
      `**One verification, CPU** (this thread plus its child processes): ${ms(verifyCpu.node + verifyCpu.children)} ms = ${ms(verifyCpu.node)} ms Node.js + ${ms(verifyCpu.children)} ms ffmpeg.`,
      '',
      '| child process, alone | CPU per run | wall per run |',
      '|---|---:|---:|',
      `| ffmpeg (describes the upload, the probe, after ${ms(decode.described)} ms; frames at ${PIPELINE.fps} fps and 480 px, 16 kHz audio; one decoder thread) | ${ms(decode.cpu)} ms (+ ${ms(decode.node)} ms Node.js reading the pipes) | ${ms(decode.wall)} ms |`,
      `| for comparison, not run by a verification: ffprobe, which was the probe before | ${ms(ffprobe.cpu)} ms | ${ms(ffprobe.wall)} ms |`,
      '',
      `| face model (onnxruntime, one thread) | calls per verification | CPU per call | CPU per verification |`,
      '|---|---:|---:|---:|',
      ...modelRows,
      `| all face models | | | ${ms(modelTotal)} ms (${ms(modelTotal / frames)} ms per analysed frame) |`,
      '',
      `| where this thread's time goes (V8 profile of ${RUNS} verifications, self time) | per verification | per analysed frame |`,
      '|---|---:|---:|',
      ...parts.map(([k, v]) => `| ${k} | ${ms(v / RUNS)} ms | ${ms(v / RUNS / frames)} ms |`),
      '',
      '| stage, wall (median) | in-process, one thread | pool, one thread per verification | pool, idle second thread lent |',
      '|---|---:|---:|---:|',
      ...stages.map((s) => `| ${s} | ${stageMedian(stageRuns, s)} | ${stageMedian(pooled.one, s)} | ${stageMedian(pooled.two, s)} |`),
    ].join('\n');
    return {
      title: 'Verification profile (bench:profile)',
      markdown,
      figures: {
        cpuMsPerVerification: verifyCpu.node + verifyCpu.children,
        nodeCpuMs: verifyCpu.node,
        childCpuMs: verifyCpu.children,
        ffprobeCpuMsNotRun: ffprobe.cpu,
        probeMs: decode.described,
        ffmpegCpuMs: decode.cpu,
        faceModelsCpuMs: modelTotal,
        framesAnalysed: frames,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchVerifyProfile();
  console.log(`## ${r.title}\n\n${r.markdown}\n`);
  console.log(JSON.stringify(r.figures));
}
