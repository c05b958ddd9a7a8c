import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { FakeInference } from '../api/fake-inference.test-helper.js';
import { InferenceBusyError } from '../core/inference.js';
import { REDIS_MISSING, redisTestPrefix, testRedisUrl } from '../core/test-servers.test-helper.js';
import { InferenceTimeoutError, QueuedInference, startQueueWorker, type QueueSettings, type QueueWorker } from './bullmq.js';

const url = testRedisUrl();
const TEMPLATE = { model: 'test', embedding: [0.6, 0.8] };

describe('verification jobs over BullMQ', { skip: url ? false : REDIS_MISSING }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lc-queue-'));
  const video = join(dir, 'upload.mp4');
  let redis: Redis;
  const closers: Array<() => Promise<unknown>> = [];
  const settings = (over: Partial<QueueSettings> = {}): QueueSettings => ({
    redisUrl: url as string,
    prefix: redisTestPrefix(),
    maxWaiting: 8,
    jobTimeoutMs: 20_000,
    mediaTtlSec: 60,
    lockMs: 1000,
    ...over,
  });
  const api = (s: QueueSettings): QueuedInference => {
    const q = new QueuedInference(s);
    closers.push(() => q.close());
    return q;
  };
  const worker = (s: QueueSettings, executor: FakeInference): QueueWorker => {
    const w = startQueueWorker(s, executor, { concurrency: 1, tmpDir: join(dir, 'jobs') });
    closers.push(() => w.close());
    return w;
  };

  before(() => {
    writeFileSync(video, 'the uploaded video bytes');
    redis = new Redis(url as string);
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands a worker the upload and the digits and gives back the worker's answer, photo bytes included", async () => {
    const s = settings();
    const executor = new FakeInference();
    worker(s, executor);
    const q = api(s);
    const answer = await q.verifyVideo({ videoPath: video, digits: '4821', reference: { kind: 'template', template: TEMPLATE } });
    assert.deepEqual(answer, await new FakeInference().verifyVideo({ videoPath: video, digits: '4821', reference: { kind: 'template', template: TEMPLATE } }));
    assert.ok(answer.photoJpeg instanceof Uint8Array);
    assert.equal(executor.videoCalls[0].digits, '4821');
    assert.deepEqual(executor.videoCalls[0].reference, { kind: 'template', template: TEMPLATE });
    assert.equal(executor.videoBytes[0].toString(), 'the uploaded video bytes');
    assert.deepEqual(await q.comparePhoto(Uint8Array.from([9, 8]), TEMPLATE), { ok: true, similarity: 88.456 });
    assert.deepEqual([...(executor.photos.at(-1) ?? [])], [9, 8]);
    assert.deepEqual(await q.pictureLiveness(Uint8Array.from([7])), { ok: true, score: 93.6 });
    assert.deepEqual(await q.embedPhoto(new Uint8Array(0), 'photo'), { ok: false, error: 'PHOTO_DECODE_FAILED' });
  });

  it('deletes the media from Redis and the worker disk once the job is done', async () => {
    const s = settings();
    worker(s, new FakeInference());
    await api(s).verifyVideo({ videoPath: video, digits: '1111', reference: { kind: 'image', data: Uint8Array.from([1, 2, 3]) } });
    assert.deepEqual(await redis.keys(`${s.prefix}:media:*`), []);
    assert.deepEqual(readdirSync(join(dir, 'jobs')), []);
  });

  it("rejects with the worker's error when the verification fails there", async () => {
    const s = settings();
    const executor = new FakeInference();
    executor.videoOutcome = 'crash';
    worker(s, executor);
    await assert.rejects(api(s).verifyVideo({ videoPath: video, digits: '2222' }), /worker exploded/);
  });

  it('answers busy at once when the queue is full, and busy after the deadline when no worker takes the job', async () => {
    // The deadline leaves room for a slow machine to enqueue both before the third comes.
    const s = settings({ maxWaiting: 2, jobTimeoutMs: 4000 });
    const q = api(s);
    // Their outcome is checked from the start: a deadline that passes before the check below is not an unhandled rejection.
    const waiting = [q.verifyVideo({ videoPath: video, digits: '3333' }), q.verifyVideo({ videoPath: video, digits: '4444' })].map((w) =>
      assert.rejects(w, InferenceTimeoutError),
    );
    // Both are in the queue before the third comes (waiting on the list, not on the clock: a busy machine is slow to enqueue).
    for (let i = 0; i < 100 && (await redis.llen(`${s.prefix}:verify:wait`)) < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await assert.rejects(q.verifyVideo({ videoPath: video, digits: '5555' }), (err) => err instanceof InferenceBusyError && !(err instanceof InferenceTimeoutError));
    assert.ok(performance.now() - started < 1000, 'refused without waiting');
    await Promise.all(waiting);
    assert.deepEqual(await redis.keys(`${s.prefix}:media:*`), [], 'the media of jobs that never ran are deleted too');
    assert.equal(await redis.llen(`${s.prefix}:verify:wait`), 0, 'and the jobs withdrawn');
  });

  it('gives the job of a worker killed mid-verification to another worker: the request still gets its answer', async () => {
    const s = settings({ lockMs: 1000 });
    const spawn = (delayMs: number): ChildProcess => {
      const child = fork(fileURLToPath(new URL('./worker-process.test-helper.ts', import.meta.url)), [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, LC_QUEUE: JSON.stringify(s), LC_DELAY_MS: String(delayMs), LC_TMP: join(dir, 'jobs') },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      closers.push(async () => child.kill('SIGKILL'));
      return child;
    };
    const message = (child: ChildProcess, key: string) =>
      new Promise<void>((resolve) => child.on('message', (m: Record<string, unknown>) => key in m && resolve()));
    const doomed = spawn(60_000);
    await message(doomed, 'ready');
    const answer = api(s).verifyVideo({ videoPath: video, digits: '6789' });
    await message(doomed, 'started');
    doomed.kill('SIGKILL');
    const rescuer = spawn(0);
    const rescued = message(rescuer, 'started');
    const result = await answer;
    await rescued;
    assert.equal(result.live.name, 'OK');
  });
});
