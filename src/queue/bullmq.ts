import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  InferenceBusyError,
  type EmbedResult,
  type FaceTemplate,
  type Inference,
  type PhotoCompareResult,
  type PictureLivenessResult,
  type VideoVerifyRequest,
  type VideoVerifyResult,
} from '../core/inference.js';
import { MEDIA, runJob, videoResultFromWire, type JobData, type WireVideoResult } from './jobs.js';

export interface QueueSettings {
  redisUrl: string;
  /** Key prefix, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  /** Jobs waiting for a worker beyond which a new one is refused at once (SERVER_BUSY). */
  maxWaiting: number;
  /** How long an API process waits for a job's result before answering SERVER_BUSY. */
  jobTimeoutMs: number;
  /** How long a job's media may stay in Redis (the API deletes them as soon as the job ends). */
  mediaTtlSec: number;
  /**
   * A worker renews its hold on a running job every lockMs / 2; a job whose hold ran out (its
   * worker died) is given to another worker, once.
   */
  lockMs: number;
}

const QUEUE = 'verify';

/** The deadline ran out: answered like a full queue, and the challenge is given back. */
export class InferenceTimeoutError extends InferenceBusyError {
  constructor(ms: number) {
    super();
    this.message = `no worker finished the job within ${ms} ms`;
  }
}

const redisFor = (url: string): Redis => new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
const mediaKey = (prefix: string, jobId: string, name: string): string => `${prefix}:media:${jobId}:${name}`;

/**
 * The API side of the scaled-out mode: every Inference call becomes a BullMQ job that some
 * worker process runs on its thread pool (startQueueWorker); this process waits for the result.
 */
export class QueuedInference implements Inference {
  private readonly redis: Redis;
  /** QueueEvents blocks on its connection: it gets one of its own. */
  private readonly eventsRedis: Redis;
  private readonly queue: Queue;
  private readonly events: QueueEvents;

  constructor(private readonly s: QueueSettings) {
    this.redis = redisFor(s.redisUrl);
    this.eventsRedis = redisFor(s.redisUrl);
    this.queue = new Queue(QUEUE, { connection: this.redis, prefix: s.prefix });
    this.events = new QueueEvents(QUEUE, { connection: this.eventsRedis, prefix: s.prefix });
    // Every waiting request listens for its job's end: as many listeners as requests in flight.
    this.queue.setMaxListeners(0);
    this.events.setMaxListeners(0);
  }

  async verifyVideo(req: VideoVerifyRequest): Promise<VideoVerifyResult> {
    const media: Record<string, Buffer> = { video: await readFile(req.videoPath) };
    let reference: Extract<JobData, { task: 'verifyVideo' }>['reference'];
    if (req.reference?.kind === 'image') {
      media.reference = Buffer.from(req.reference.data);
      reference = { kind: 'image' };
    } else {
      reference = req.reference;
    }
    return videoResultFromWire((await this.run({ task: 'verifyVideo', digits: req.digits, reference }, media)) as WireVideoResult);
  }

  async embedPhoto(image: Uint8Array, role: 'card' | 'photo'): Promise<EmbedResult> {
    return (await this.run({ task: 'embedPhoto', role }, { image: Buffer.from(image) })) as EmbedResult;
  }

  async comparePhoto(image: Uint8Array, template: FaceTemplate): Promise<PhotoCompareResult> {
    return (await this.run({ task: 'comparePhoto', template }, { image: Buffer.from(image) })) as PhotoCompareResult;
  }

  async pictureLiveness(image: Uint8Array): Promise<PictureLivenessResult> {
    return (await this.run({ task: 'pictureLiveness' }, { image: Buffer.from(image) })) as PictureLivenessResult;
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    this.redis.disconnect();
    this.eventsRedis.disconnect();
  }

  private async run(data: JobData, media: Record<string, Buffer>): Promise<unknown> {
    const waiting = await this.queue.getWaitingCount();
    if (waiting >= this.s.maxWaiting) throw new InferenceBusyError();
    const id = randomUUID();
    const keys = Object.keys(media).map((name) => mediaKey(this.s.prefix, id, name));
    const put = this.redis.multi();
    for (const [name, bytes] of Object.entries(media)) put.set(mediaKey(this.s.prefix, id, name), bytes, 'EX', this.s.mediaTtlSec);
    await put.exec();
    try {
      const job = await this.queue.add(data.task, data, {
        jobId: id,
        // Finished jobs stay briefly so waitUntilFinished can read a result that came back fast.
        removeOnComplete: { age: 60 },
        removeOnFail: { age: 3600 },
      });
      try {
        return await job.waitUntilFinished(this.events, this.s.jobTimeoutMs);
      } catch (err) {
        const state = await job.getState();
        if (state === 'completed' || state === 'failed') throw err;
        // Not finished in time: a waiting job is withdrawn; a running one's result is dropped.
        await job.remove().catch(() => undefined);
        throw new InferenceTimeoutError(this.s.jobTimeoutMs);
      }
    } finally {
      await this.redis.del(...keys);
    }
  }
}

export interface QueueWorker {
  /** Stops taking jobs and resolves once the running ones have finished (drain). */
  close(): Promise<void>;
}

/**
 * The worker side: takes jobs from the queue, `concurrency` at a time (the thread pool's size),
 * and runs them on `executor`. Videos are written to `tmpDir` for the media pipeline and removed
 * after the job.
 */
export function startQueueWorker(s: QueueSettings, executor: Inference, opts: { concurrency: number; tmpDir: string; onError?: (err: Error) => void }): QueueWorker {
  mkdirSync(opts.tmpDir, { recursive: true, mode: 0o700 });
  const redis = redisFor(s.redisUrl);
  const handle = async (job: Job): Promise<unknown> => {
    const data = job.data as JobData;
    const names = MEDIA[data.task];
    const values = await redis.mgetBuffer(...names.map((n) => mediaKey(s.prefix, job.id as string, n)));
    const media = new Map<string, Buffer>();
    names.forEach((n, i) => {
      const v = values[i];
      if (v) media.set(n, v);
    });
    let file: string | undefined;
    try {
      return await runJob(executor, data, media, async () => {
        const video = media.get('video');
        if (!video) throw new Error("the job's video expired before a worker took it");
        file = join(opts.tmpDir, `${job.id}.video`);
        await writeFile(file, video, { mode: 0o600 });
        return file;
      });
    } finally {
      if (file) await rm(file, { force: true });
    }
  };
  const worker = new Worker(QUEUE, handle, {
    connection: redis,
    prefix: s.prefix,
    concurrency: opts.concurrency,
    lockDuration: s.lockMs,
    stalledInterval: s.lockMs,
    maxStalledCount: 1,
  });
  worker.on('error', (err) => opts.onError?.(err));
  return {
    close: async () => {
      await worker.close();
      redis.disconnect();
    },
  };
}
