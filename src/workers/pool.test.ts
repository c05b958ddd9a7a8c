import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { resolveThresholds } from '../config/index.js';
import { InferenceBusyError, type Inference } from '../core/inference.js';
import { createFixtures, writeBytes, type Fixtures } from '../media/fixtures.test-helper.js';
import { createInference } from './index.js';

let f: Fixtures;
let pool: Inference;
let junk: string;

before(() => {
  f = createFixtures('lc-pool-');
  junk = writeBytes(f, 'junk.mp4', randomBytes(20_000));
  pool = createInference({ workers: 1, maxQueue: 1, thresholds: resolveThresholds() });
});
after(async () => {
  await pool.close();
  f.cleanup();
});

describe('inference worker pool', () => {
  it('runs a verification on a worker thread (worker file resolved from source under tsx)', async () => {
    const r = await pool.verifyVideo({ videoPath: junk, digits: '1234' });
    assert.equal(r.live.status, -5001);
    assert.equal(r.checks.length, 7);
  });

  it('refuses at once with InferenceBusyError when every worker is busy and the queue is full', async () => {
    const running = pool.verifyVideo({ videoPath: junk, digits: '1234' });
    const queued = pool.verifyVideo({ videoPath: junk, digits: '1234' });
    const t0 = performance.now();
    await assert.rejects(pool.verifyVideo({ videoPath: junk, digits: '1234' }), InferenceBusyError);
    assert.ok(performance.now() - t0 < 50, 'refused without waiting');
    await Promise.all([running, queued]);
    const again = await pool.verifyVideo({ videoPath: junk, digits: '1234' });
    assert.equal(again.live.status, -5001, 'accepts work again once the queue drains');
  });
});
