import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { after, before, describe, it } from 'node:test';
import { resolveThresholds } from '../config/index.js';
import type { CheckName, Inference, VideoVerifyResult } from '../core/inference.js';
import { helpTrack, PIPELINE, TrackHelper, verifyVideo } from '../liveness/index.js';
import { createFixtures, sharedData, SHARED_DATA_MISSING, type Fixtures } from '../media/fixtures.test-helper.js';
import { createInference } from './index.js';

/**
 * A verification that borrows the pool's second idle thread for half of its frames must decide
 * exactly as one that tracks every frame itself, and must survive a helper that lets it down.
 */
const th = resolveThresholds();
let f: Fixtures;
let pool: Inference;
let speech: string;

before(() => {
  f = createFixtures('lc-split-');
  speech = f.speech('nine five three two, nine five three two');
  pool = createInference({ workers: 2, maxQueue: 4, thresholds: th, splitWhenIdle: true });
});
after(async () => {
  await pool.close();
  f.cleanup();
});

const score = (r: VideoVerifyResult, name: CheckName): number | null => r.checks.find((c) => c.name === name)?.score ?? null;
const passed = (r: VideoVerifyResult): Array<[string, boolean | null]> => r.checks.map((c) => [c.name, c.passed]);
const noFaceClip = (sec: number, name: string): string =>
  f.ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=640x480:rate=25:duration=${sec}`, '-i', speech, '-t', String(sec), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'], name);

describe('one verification on two threads', () => {
  it('lends the idle second thread for a 3 s video and decides as a single thread does', async () => {
    const clip = noFaceClip(3, 'noface3.mp4');
    // A thread still loading its models is not lent (the helper must be ready when the probe
    // ends), so on a fresh pool the first verifications may run alone; they warm both threads.
    let split = await pool.verifyVideo({ videoPath: clip, digits: '9532' });
    for (let i = 0; i < 3 && split.timingsMs.visionHelper === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      split = await pool.verifyVideo({ videoPath: clip, digits: '9532' });
    }
    const alone = await verifyVideo({ videoPath: clip, digits: '9532' }, th);
    assert.ok(split.timingsMs.visionHelper !== undefined, `the helper tracked a part: ${JSON.stringify(split.timingsMs)}`);
    assert.equal(alone.timingsMs.visionHelper, undefined);
    assert.equal(split.live.status, -5009);
    assert.deepEqual(passed(split), passed(alone));
  });

  it('keeps a video under 2 s on one thread, and does not lend threads when both are busy', async () => {
    const short = await pool.verifyVideo({ videoPath: noFaceClip(1.5, 'noface1.mp4'), digits: '9532' });
    assert.equal(short.timingsMs.visionHelper, undefined);
    const clip = noFaceClip(3, 'noface3b.mp4');
    const both = await Promise.all([pool.verifyVideo({ videoPath: clip, digits: '9532' }), pool.verifyVideo({ videoPath: clip, digits: '9532' })]);
    assert.equal(both.filter((r) => r.timingsMs.visionHelper !== undefined).length, 1, 'only the first, which found both threads idle, split');
    for (const r of both) assert.equal(r.live.status, -5009);
  });

  it('tracks the second half itself when the helper leaves instead of answering', async () => {
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (m: { type: string }) => {
      if (m.type === 'start') port2.close();
    });
    port2.postMessage({ type: 'ready' });
    const clip = noFaceClip(3, 'noface3c.mp4');
    const r = await verifyVideo({ videoPath: clip, digits: '9532' }, th, { helper: new TrackHelper(port1) });
    assert.ok(r.timingsMs.visionFallback !== undefined, JSON.stringify(r.timingsMs));
    assert.equal(r.live.status, -5009);
  });

  it('a helper stops tracking when its verification goes away mid-part', async () => {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: { type: string }) => {
      if (m.type !== 'ready') return;
      port1.postMessage({ type: 'start', track: { minFaceScore: 0.5, keepBest: 1, keyframeEvery: 10 } });
      for (let i = 0; i < 3; i++) {
        const frame = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(90), t: i / PIPELINE.fps };
        port1.postMessage({ type: 'frame', frame }, [frame.data.buffer]);
      }
      port1.close();
    });
    assert.equal(await helpTrack(port2, 5_000), 'abandoned');
  });

  const data = sharedData();
  it('gives the same face, mouth and lip-sync results on a real talking head', { skip: data ? false : SHARED_DATA_MISSING }, async (t) => {
    const clip = join(data as string, 'video', 'talking', 'retalking_1.mp4');
    const split = await pool.verifyVideo({ videoPath: clip, digits: '9532' });
    const alone = await verifyVideo({ videoPath: clip, digits: '9532' }, th);
    assert.ok(split.timingsMs.visionHelper !== undefined);
    for (const name of ['face', 'mouth', 'sync'] as const) {
      assert.equal(split.checks.find((c) => c.name === name)?.passed, true, `${name} passes split`);
      assert.equal(alone.checks.find((c) => c.name === name)?.passed, true, `${name} passes alone`);
    }
    t.diagnostic(`sync ${score(split, 'sync')} split, ${score(alone, 'sync')} alone; total ${split.timingsMs.total} ms split, ${alone.timingsMs.total} ms alone`);
    const ds = Math.abs((score(split, 'sync') ?? 0) - (score(alone, 'sync') ?? 0));
    assert.ok(ds < 0.05, `sync ${score(split, 'sync')} split vs ${score(alone, 'sync')} alone`);
    assert.ok(split.photoJpeg && split.photoJpeg.length > 1000, 'best frame returned');
  });
});
