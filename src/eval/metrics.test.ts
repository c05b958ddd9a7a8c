import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckName } from '../core/inference.js';
import { accepted, clopperPearson, computeMetrics, inferDirection, proportion, sweep } from './metrics.js';
import type { AttackType, CaseResult, CheckOutcome } from './types.js';

const close = (actual: number, expected: number, tol = 1e-4): void =>
  assert.ok(Math.abs(actual - expected) < tol, `expected ${expected}, got ${actual}`);

test('Clopper-Pearson bounds match the exact closed forms at k = 0 and k = n', () => {
  const [lo0, hi0] = clopperPearson(0, 5);
  assert.equal(lo0, 0);
  close(hi0, 1 - 0.025 ** (1 / 5));
  const [loN, hiN] = clopperPearson(5, 5);
  close(loN, 0.025 ** (1 / 5));
  assert.equal(hiN, 1);
});

test('Clopper-Pearson bounds match published table values', () => {
  // Reference values: R binom.test(1, 10)$conf.int and binom.test(3, 10)$conf.int.
  const [lo1, hi1] = clopperPearson(1, 10);
  close(lo1, 0.002528579);
  close(hi1, 0.445016117);
  const [lo3, hi3] = clopperPearson(3, 10);
  close(lo3, 0.06673951);
  close(hi3, 0.65245285);
});

test('zero errors out of five samples is reported with an upper bound above 50%', () => {
  const p = proportion(0, 5);
  assert.equal(p.rate, 0);
  assert.ok(p.ci95 && p.ci95[1] > 0.5);
});

test('a proportion of nothing has no rate and no interval', () => {
  assert.deepEqual(proportion(0, 0), { k: 0, n: 0, rate: null, ci95: null });
});

test('Clopper-Pearson refuses impossible counts', () => {
  assert.throws(() => clopperPearson(3, 2), RangeError);
  assert.throws(() => clopperPearson(0, 0), RangeError);
  assert.throws(() => clopperPearson(1.5, 4), RangeError);
});

function check(name: CheckName, passed: boolean | null, score: number | null, threshold: number | null = 0.5): CheckOutcome {
  return { name, passed, score, threshold, message: passed === null ? 'stage unavailable' : 'ok' };
}

function result(
  id: string,
  kind: 'genuine' | 'attack',
  judgedBy: CheckName[],
  checks: CheckOutcome[],
  attack?: AttackType,
  error?: string,
  targets: CheckName[] = judgedBy,
): CaseResult {
  return { id, kind, attack, judgedBy, targets, sources: [], checks, live: null, error, ms: 1 };
}

test('a case is accepted only when every judged check passed, whatever the others said', () => {
  const r = result('a', 'attack', ['sync'], [check('sync', true, 0.9), check('digits', false, 0.1)], 'dubbing');
  assert.equal(accepted(r), true);
  assert.equal(accepted({ ...r, judgedBy: ['sync', 'digits'] }), false);
  assert.equal(accepted({ ...r, judgedBy: ['presentation'] }), false, 'a judged check that is missing is not a pass');
  assert.equal(accepted({ ...r, error: 'timeout' }), false, 'a crash accepts nothing');
});

test('APCER is counted per attack type and BPCER over genuine cases, with counts', () => {
  const results = [
    result('g1', 'genuine', ['sync'], [check('sync', true, 0.9)]),
    result('g2', 'genuine', ['sync'], [check('sync', false, 0.2)]),
    result('g3', 'genuine', ['sync'], [check('sync', true, 0.7)]),
    result('g4', 'genuine', ['sync'], [check('sync', true, 0.8)]),
    result('d1', 'attack', ['sync'], [check('sync', true, 0.6)], 'dubbing'),
    result('d2', 'attack', ['sync'], [check('sync', false, 0.1)], 'dubbing'),
    result('s1', 'attack', ['sync'], [check('sync', false, 0.3)], 'audio-shift-1s'),
  ];
  const m = computeMetrics(results);
  assert.deepEqual([m.bpcer.k, m.bpcer.n, m.bpcer.rate], [1, 4, 0.25]);
  assert.deepEqual([m.apcer.dubbing?.k, m.apcer.dubbing?.n], [1, 2]);
  assert.deepEqual([m.apcer['audio-shift-1s']?.k, m.apcer['audio-shift-1s']?.n], [0, 1]);
  assert.equal(m.apcerMax?.attack, 'dubbing');
  assert.deepEqual(m.counts, { genuine: 4, attack: 3, errors: 0 });
  assert.deepEqual([m.checks.sync.passRate.genuine.k, m.checks.sync.passRate.genuine.n], [3, 4]);
  assert.equal(m.checks.sync.direction, 'higher-is-live');
  assert.equal(m.checks.sync.threshold, 0.5);
  assert.deepEqual(m.checks.sync.scores.attack.sort(), [0.1, 0.3, 0.6]);
});

test('the curve of a check only uses attacks that check is designed to catch', () => {
  const results = [
    result('g1', 'genuine', ['sync'], [check('sync', true, 0.9)]),
    result('w1', 'attack', ['sync', 'digits'], [check('sync', false, 0.05), check('digits', false, 0)], 'wrong-digits', undefined, ['digits']),
    result('d1', 'attack', ['sync'], [check('sync', false, 0.2)], 'dubbing'),
  ];
  assert.deepEqual(computeMetrics(results).checks.sync.scores, { genuine: [0.9], attack: [0.2] });
});

test('checks that gave no verdict are counted with an example of why', () => {
  const results = [
    result('g1', 'genuine', ['sync'], [check('sync', true, 0.9), check('digits', null, null, null)]),
    result('g2', 'genuine', ['sync'], [check('sync', true, 0.8)]),
    result('x', 'attack', ['sync'], [], 'dubbing', 'crashed'),
  ];
  const m = computeMetrics(results);
  assert.deepEqual(m.checks.digits.noVerdict, { cases: 2, of: 2, example: 'stage unavailable' });
  assert.deepEqual(m.checks.sync.noVerdict, { cases: 0, of: 2, example: null });
});

test('a check that does not judge the genuine cases gets no bona fide scores and no curve', () => {
  const results = [
    result('g1', 'genuine', ['sync'], [check('sync', true, 0.9), check('digits', false, 0.1)]),
    result('w1', 'attack', ['digits'], [check('digits', false, 0.2)], 'wrong-digits', undefined, ['digits']),
  ];
  const m = computeMetrics(results);
  assert.deepEqual(m.checks.digits.scores, { genuine: [], attack: [0.2] });
  assert.deepEqual(m.checks.digits.curve, []);
  assert.equal(m.checks.digits.eer, null);
});

test('the score direction is read from the pipeline verdicts', () => {
  assert.equal(inferDirection([check('sync', true, 0.9), check('sync', false, 0.1)]), 'higher-is-live');
  assert.equal(inferDirection([check('sync', true, 100, 300), check('sync', false, 900, 300)]), 'lower-is-live');
  assert.equal(inferDirection([check('sync', null, null, null)]), null);
});

test('the error-rate sweep runs from accept-everything to reject-everything', () => {
  const curve = sweep([0.6, 0.8, 0.9], [0.1, 0.7], 'higher-is-live');
  assert.deepEqual(curve[0], { threshold: 0.1, apcer: 1, bpcer: 0 });
  const last = curve[curve.length - 1];
  assert.equal(last.apcer, 0);
  assert.equal(last.bpcer, 1);
  const at07 = curve.find((p) => p.threshold === 0.7);
  assert.deepEqual(at07, { threshold: 0.7, apcer: 0.5, bpcer: 1 / 3 });
});

test('the sweep honours lower-is-live scores', () => {
  const curve = sweep([10, 20], [500], 'lower-is-live');
  assert.deepEqual(curve[curve.length - 1], { threshold: 500, apcer: 1, bpcer: 0 });
  assert.equal(curve[0].bpcer, 1);
  assert.equal(curve[0].apcer, 0);
});

test('picture liveness counts a score above the threshold as live', () => {
  const m = computeMetrics(
    [],
    [
      { id: 'p1', kind: 'genuine', source: 'a', score: 90, threshold: 87 },
      { id: 'p2', kind: 'genuine', source: 'b', score: 87, threshold: 87 },
      { id: 'p3', kind: 'attack', attack: 'real-print-photo', source: 'c', score: 95, threshold: 87 },
      { id: 'p4', kind: 'attack', attack: 'real-screen-photo', source: 'd', score: null, threshold: 87, error: 'x' },
    ],
  );
  assert.deepEqual([m.picture.bpcer.k, m.picture.bpcer.n], [1, 2]);
  assert.equal(m.picture.apcer['real-print-photo']?.rate, 1);
  assert.equal(m.picture.apcer['real-screen-photo']?.rate, 0);
});

test('grey copies of photos are counted apart and change none of the photos\' figures', () => {
  const photos = [
    { id: 'p1', kind: 'genuine' as const, source: 'a', score: 90, threshold: 87 },
    { id: 'p2', kind: 'attack' as const, attack: 'real-print-photo' as const, source: 'c', score: 10, threshold: 87 },
  ];
  const grey = [
    { id: 'p1-grey', kind: 'genuine' as const, greyscale: true, source: 'a', score: 3, threshold: 87 },
    { id: 'p3-grey', kind: 'genuine' as const, greyscale: true, source: 'b', score: 95, threshold: 87 },
    { id: 'p2-grey', kind: 'attack' as const, attack: 'real-print-photo' as const, greyscale: true, source: 'c', score: 88, threshold: 87 },
  ];
  const m = computeMetrics([], [...photos, ...grey]);
  assert.deepEqual([m.picture.bpcer.k, m.picture.bpcer.n], [0, 1]);
  assert.deepEqual([m.picture.apcer['real-print-photo']?.k, m.picture.apcer['real-print-photo']?.n], [0, 1]);
  assert.deepEqual([m.picture.greyscale.bonaFideLive.k, m.picture.greyscale.bonaFideLive.n], [1, 2]);
  assert.deepEqual([m.picture.greyscale.attackLive.k, m.picture.greyscale.attackLive.n], [1, 1]);
});
