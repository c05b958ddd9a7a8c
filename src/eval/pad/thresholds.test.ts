import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CaseResult } from '../types.js';
import { analyse, chooseThreshold, fuse, MARGIN } from './thresholds.js';

function result(id: string, kind: 'genuine' | 'attack', clip: string, frames: number[], attack?: CaseResult['attack'], faceChange = 0.01): CaseResult {
  return {
    id,
    kind,
    attack,
    judgedBy: ['presentation'],
    targets: [],
    sources: [clip],
    checks: [{ name: 'presentation', passed: null, score: null, threshold: null, message: '', extra: { frames: frames.map((live, i) => ({ t: i, live })), faceChange, minFaceChange: 0.001 } }],
    live: null,
    ms: 1,
  };
}

describe('presentation threshold analysis', () => {
  it('fuses frame scores by mean, median, lower quartile, minimum and mean log-odds', () => {
    const f = [0.2, 0.9, 0.8, 0.7];
    assert.ok(Math.abs(fuse(f, 'mean') - 0.65) < 1e-12);
    assert.ok(Math.abs(fuse(f, 'median') - 0.75) < 1e-12);
    assert.equal(fuse(f, 'min'), 0.2);
    assert.equal(fuse(f, 'lower-quartile'), 0.7);
    assert.ok(Math.abs(fuse([0.2, 0.8], 'mean-logit') - 0.5) < 1e-9);
  });

  it('judges every held-out clip with a threshold chosen on the other clips\' genuine videos only', () => {
    const results = [
      result('g-a', 'genuine', 'video/a.mp4', [0.6]),
      result('g-b', 'genuine', 'video/b.mp4', [0.95]),
      result('g-c', 'genuine', 'video/c.mp4', [0.99]),
      // Scores between the thresholds: accepted only when its clip's fold sets a low threshold.
      result('x-a', 'attack', 'video/a.mp4', [0.7], 'screen-replay'),
      result('x-b', 'attack', 'video/b.mp4', [0.7], 'screen-replay'),
      result('p', 'attack', 'spoof/x.jpg', [0.55], 'real-print-photo'),
      // A still picture the models find live is still refused by the face-change rule.
      result('s-b', 'attack', 'video/b.mp4', [0.99], 'still-photo', 0.0001),
    ];
    const [mean] = analyse(results, ['mean'], 0.5);
    assert.equal(mean.threshold, chooseThreshold([0.6, 0.95, 0.99]));
    assert.ok(Math.abs(mean.threshold - 0.6 * (1 - MARGIN)) < 1e-12);
    // Clip a held out: threshold 0.95 x 0.9 = 0.855, so its own genuine (0.6) is rejected and its attack too.
    assert.deepEqual([mean.loco.bpcer.k, mean.loco.bpcer.n], [1, 3]);
    // Clip b held out: threshold 0.6 x 0.9 = 0.54 accepts its attack at 0.7.
    assert.deepEqual([mean.loco.apcer['screen-replay']?.k, mean.loco.apcer['screen-replay']?.n], [1, 2]);
    // The real photo has no clip: judged with the all-clip threshold 0.54.
    assert.deepEqual([mean.realPhotos['real-print-photo']?.k, mean.realPhotos['real-print-photo']?.n], [1, 1]);
    assert.deepEqual([mean.fixed.bpcer.k, mean.fixed.apcer['screen-replay']?.k], [0, 2]);
    assert.deepEqual([mean.loco.apcer['still-photo']?.k, mean.fixed.apcer['still-photo']?.k], [0, 0]);
  });
});
