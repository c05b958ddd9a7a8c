import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import type { EmbedResult, Inference, PhotoCompareResult, PictureLivenessResult, VideoVerifyRequest, VideoVerifyResult } from '../core/inference.js';
import { QueuedInference, startQueueWorker, type QueueSettings } from '../queue/bullmq.js';

/**
 * The verification queue's own cost (`npm run bench`, distributed section; needs Redis at
 * LIVECHECK_REDIS_URL). A verification is ~2.4-2.8 s of CPU (docs/performance.md); what the
 * scaled-out mode adds is the trip through Redis: the upload copied there and back, the job's
 * bookkeeping, the result. The executor here answers at once (or after a fixed sleep), so what is
 * measured is that trip: CPU per job in this process (API side and worker side together) and in
 * redis-server, and jobs per second through 1 and 2 workers whose jobs each take JOB_MS of wall
 * time (a stand-in for a verification, to show the queue hands out work in parallel).
 */
const JOBS = 400;
const CONCURRENT = 16;
const JOB_MS = 40;
/** Roughly a 5 s selfie clip as phones upload it. */
const VIDEO_BYTES = 1_500_000;
const VERIFY_CPU_MS = 2420;

class EchoInference implements Inference {
  constructor(private readonly sleepMs: number) {}
  async verifyVideo(req: VideoVerifyRequest): Promise<VideoVerifyResult> {
    if (this.sleepMs) await new Promise((r) => setTimeout(r, this.sleepMs));
    return { live: { status: 0, msg: 'OK', name: 'OK' }, checks: [], timingsMs: { digits: req.digits.length } };
  }
  async embedPhoto(): Promise<EmbedResult> {
    return { ok: false, error: 'PHOTO_DECODE_FAILED' };
  }
  async comparePhoto(): Promise<PhotoCompareResult> {
    return { ok: true, similarity: 1 };
  }
  async pictureLiveness(): Promise<PictureLivenessResult> {
    return { ok: true, score: 1 };
  }
  async close(): Promise<void> {}
}

function redisCpuMs(): number | null {
  try {
    const pid = execFileSync('pidof', ['redis-server']).toString().trim().split(/\s+/)[0];
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function run(settings: QueueSettings, workers: number, sleepMs: number, video: string): Promise<{ jobsPerSec: number; cpuMsPerJob: number; redisMsPerJob: number | null; p50: number }> {
  const queued = new QueuedInference(settings);
  const started = Array.from({ length: workers }, () => startQueueWorker(settings, new EchoInference(sleepMs), { concurrency: 1, tmpDir: join(tmpdir(), 'lc-bench-jobs') }));
  try {
    // Warm-up: connections, scripts, JIT.
    await Promise.all(Array.from({ length: 20 }, () => queued.verifyVideo({ videoPath: video, digits: '1234' })));
    const cpu0 = process.cpuUsage();
    const redis0 = redisCpuMs();
    const t0 = performance.now();
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        while (next++ < JOBS) {
          const s = performance.now();
          await queued.verifyVideo({ videoPath: video, digits: '1234' });
          latencies.push(performance.now() - s);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const redis1 = redisCpuMs();
    latencies.sort((a, b) => a - b);
    return {
      jobsPerSec: JOBS / seconds,
      cpuMsPerJob: (cpu.user + cpu.system) / 1000 / JOBS,
      redisMsPerJob: redis0 === null || redis1 === null ? null : (redis1 - redis0) / JOBS,
      p50: latencies[Math.floor(latencies.length / 2)],
    };
  } finally {
    await queued.close();
    for (const w of started) await w.close();
  }
}

export async function benchDistributed(): Promise<{ title: string; markdown: string; figures: Record<string, number> }> {
  const redisUrl = process.env.LIVECHECK_REDIS_URL ?? process.env.LIVECHECK_TEST_REDIS_URL;
  if (!redisUrl) throw new Error('needs Redis: set LIVECHECK_REDIS_URL (e.g. redis://127.0.0.1:6379)');
  const dir = mkdtempSync(join(tmpdir(), 'lc-bench-queue-'));
  const video = join(dir, 'clip.mp4');
  writeFileSync(video, Buffer.alloc(VIDEO_BYTES, 7));
  const settings = (): QueueSettings => ({ redisUrl, prefix: `lc-bench-${process.pid}-${Date.now()}`, maxWaiting: 1000, jobTimeoutMs: 60_000, mediaTtlSec: 120, lockMs: 15_000 });
  try {
    const load = loadavg()[0];
    const cost = await run(settings(), 1, 0, video);
    const one = await run(settings(), 1, JOB_MS, video);
    const two = await run(settings(), 2, JOB_MS, video);
    const overheadMs = cost.cpuMsPerJob + (cost.redisMsPerJob ?? 0);
    const figures = {
      queue_cpu_ms_per_job: round(cost.cpuMsPerJob),
      redis_cpu_ms_per_job: cost.redisMsPerJob === null ? -1 : round(cost.redisMsPerJob),
      overhead_percent_of_verification: round((100 * overheadMs) / VERIFY_CPU_MS),
      jobs_per_sec_1_worker: round(one.jobsPerSec),
      jobs_per_sec_2_workers: round(two.jobsPerSec),
      latency_p50_ms_idle_queue: round(cost.p50),
      load_avg_1m_before: round(load),
    };
    const markdown = [
      `Verification jobs through BullMQ on the local Redis, each carrying a ${(VIDEO_BYTES / 1e6).toFixed(1)} MB video; ${JOBS} jobs, ${CONCURRENT} at a time, after 20 warm-up jobs; ` +
        `1-minute load average before: ${figures.load_avg_1m_before}. The workers run an executor that answers at once (cost) or after ${JOB_MS} ms (throughput), ` +
        'so the figures are the queue\'s own, not the models\'.',
      '',
      '| measurement | value |',
      '|---|---:|',
      `| CPU per job, API and worker side together (Node.js) | ${figures.queue_cpu_ms_per_job} ms |`,
      `| CPU per job in redis-server | ${cost.redisMsPerJob === null ? 'not measured' : `${figures.redis_cpu_ms_per_job} ms`} |`,
      `| overhead against one verification's ${VERIFY_CPU_MS} ms CPU in the embedded mode (goal <= 10%) | ${figures.overhead_percent_of_verification}% |`,
      `| jobs/s through 1 worker (${JOB_MS} ms each; ideal ${round(1000 / JOB_MS)}) | ${figures.jobs_per_sec_1_worker} |`,
      `| jobs/s through 2 workers (ideal ${round(2000 / JOB_MS)}) | ${figures.jobs_per_sec_2_workers} |`,
      `| round trip of an instant job, median | ${figures.latency_p50_ms_idle_queue} ms |`,
      '',
      'Real verifications through 1 and 2 worker processes were not measured here: each worker process loads its own models ' +
        'and the 2 shared cores are already busy, so a second process cannot add throughput on this machine; per worker core, ' +
        'expect the embedded mode\'s rate (60 s / CPU time per verification) less the overhead above.',
    ].join('\n');
    return { title: 'Distributed: the verification queue (BullMQ over Redis)', markdown, figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchDistributed();
  console.log(`## ${r.title}\n\n${r.markdown}\n`);
  console.log(JSON.stringify(r.figures));
}
