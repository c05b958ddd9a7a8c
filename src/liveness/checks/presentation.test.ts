import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveThresholds } from '../../config/index.js';
import type { FaceObservation, TrackResult } from '../../vision/index.js';
import type { Evidence } from '../evidence.js';
import { checkPresentation } from './presentation.js';

const th = resolveThresholds();

function face(change: number): FaceObservation {
  return { t: 0, faceCount: 1, score: 1, box: { x: 0, y: 0, width: 10, height: 10 }, mouth: 0.1, lips: 0.1, shape: null, yaw: 0, pitch: 0, sharpness: 100, brightness: 0.5, quality: 1, change };
}

/** Evidence with per-frame live probabilities and the same face change on every frame. */
function evidence(live: number[], change = 0.01): Evidence {
  const track: TrackResult = { frameCount: 20, width: 480, height: 270, faces: Array.from({ length: 20 }, () => face(change)), best: [], pad: [], ms: 1 };
  return {
    info: null,
    invalidReason: null,
    pcm: null,
    audio: null,
    track,
    fps: 20,
    attack: { pad: live.map((l, i) => ({ t: i * 0.5, v2: l, v1se: l, live: l })) },
    digits: null,
    stageMs: { presentation: 12 },
  };
}

describe('presentation check', () => {
  const t = th.presentation.minLive;

  it('passes when the mean live probability over the frames reaches the threshold', () => {
    const r = checkPresentation(evidence([t + 0.05, t + 0.02, t - 0.01]), th);
    assert.equal(r.report.passed, true);
    assert.equal(r.error, undefined);
  });

  it('fails with NOT_LIVE (-5016) when the mean is below it, even if some frames look live', () => {
    const r = checkPresentation(evidence([0.99, t - 0.3, t - 0.3]), th);
    assert.equal(r.report.passed, false);
    assert.equal(r.error, 'NOT_LIVE');
    assert.match(r.report.message, /over 3 frames/);
  });

  it('fails a face that does not change, whatever the models say (a still picture)', () => {
    const r = checkPresentation(evidence([0.99, 0.99], th.presentation.minFaceChange / 10), th);
    assert.equal(r.report.passed, false);
    assert.match(r.report.message, /does not change/);
  });

  it('reports every frame the models saw, with each model\'s score, in the evidence', () => {
    const r = checkPresentation(evidence([0.9, 0.8]), th);
    assert.deepEqual(r.report.extra?.frames, [
      { t: 0, live: 0.9, v2: 0.9, v1se: 0.9 },
      { t: 0.5, live: 0.8, v2: 0.8, v1se: 0.8 },
    ]);
    assert.equal(r.report.score, 0.85);
    assert.equal(r.report.threshold, t);
  });

  it('shows how dim each frame\'s face was before its crops were brought to one exposure', () => {
    const ev = evidence([0.9, 0.8]);
    ev.attack = { pad: [{ t: 0, v2: 0.9, v1se: 0.9, live: 0.9, faceLuma: 41.26 }, { t: 0.5, v2: 0.8, v1se: 0.8, live: 0.8, faceLuma: 150 }] };
    const frames = checkPresentation(ev, th).report.extra?.frames as Array<{ faceLuma?: number }>;
    assert.deepEqual(frames.map((f) => f.faceLuma), [41.3, 150]);
  });

  it('cannot run without frames the models saw', () => {
    assert.equal(checkPresentation(evidence([]), th).report.passed, null);
  });
});
