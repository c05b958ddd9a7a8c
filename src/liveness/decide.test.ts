import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorName } from '../core/errors.js';
import type { CheckName } from '../core/inference.js';
import { resolveThresholds } from '../config/index.js';
import { CHECKS } from './checks/index.js';
import { decide } from './decide.js';
import type { CheckOutcome } from './evidence.js';

const NAMES: CheckName[] = ['video', 'audio', 'face', 'mouth', 'digits', 'sync', 'presentation'];

function outcomes(overrides: Partial<Record<CheckName, { passed: boolean | null; error?: ErrorName }>>): CheckOutcome[] {
  return NAMES.map((name) => {
    const o = overrides[name] ?? { passed: true };
    return { report: { name, passed: o.passed, score: null, threshold: null, ms: 0, message: '' }, error: o.error };
  });
}

describe('liveness decision', () => {
  it('runs every registered check in SPEC order, and a video that could not be read fails on the first', () => {
    const ev = { info: null, invalidReason: 'not a decodable video', pcm: null, audio: null, track: null, fps: 20, attack: null, digits: null, stageMs: {} };
    const { live, checks } = decide(CHECKS.map((check) => check(ev, resolveThresholds())));
    assert.deepEqual(checks.map((c) => c.name), NAMES);
    assert.equal(live.name, 'VIDEO_INVALID');
  });

  it('answers 0 / OK only when every check passed', () => {
    assert.deepEqual(decide(outcomes({})).live, { status: 0, msg: 'OK', name: 'OK' });
  });

  it('lets the first failed check in SPEC order decide, and keeps every report', () => {
    const d = decide(outcomes({ mouth: { passed: false, error: 'LIPS_STILL' }, sync: { passed: false, error: 'LIP_READING_FAILED' } }));
    assert.equal(d.live.status, -5010);
    assert.equal(d.live.msg, 'LIPS_NOT_MOVING');
    assert.equal(d.checks.length, 7);
  });

  it('fails with -5011 when the digits check could not run, even if everything else passed', () => {
    const d = decide(outcomes({ digits: { passed: null } }));
    assert.equal(d.live.status, -5011);
  });

  it('reports an earlier failure before a check that could not run', () => {
    const d = decide(outcomes({ audio: { passed: false, error: 'TOO_NOISY' }, digits: { passed: null } }));
    assert.equal(d.live.status, -5012);
  });
});
