import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cachedScore, type ScoreKey } from './score-cache.js';
import type { Scored, Times } from './types.js';

const voice: Scored['voice'] = { id: 'test-voice', lang: 'zh', sex: 'female', accent: 'Mandarin', licence: 'test', digits: {}, nondigit: [] };

function scored(): Scored {
  return {
    voice,
    fold: 2,
    cases: [
      {
        digits: '1234',
        heard: '1234',
        pace: 'normal',
        channel: 'clean',
        secPerSyllable: 0.4,
        model: -Infinity,
        impostorModels: [-3.5, Number.NEGATIVE_INFINITY],
        zh: true,
        hmm: [{ margin: 0.2, fit: -1.1, shortestWordSec: 0.2 }],
        impostorHmms: [null, [{ margin: -Infinity, fit: null, shortestWordSec: 0 }]],
      },
    ],
    nonDigit: [{ model: -7, hmm: null, zh: false }],
    nonDigitHeard: [],
    nonDigitRecordings: 1,
    missing: [],
    silentTakes: [],
    cutTakes: [],
    cutDigits: [],
  };
}

test('the score cache gives back what was scored, infinities included, and scores again when the model changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lc-score-cache-'));
  try {
    const model = join(dir, 'model.onnx');
    writeFileSync(model, 'weights A');
    const key: ScoreKey = { modelPath: model, voice, seed: 110, perPace: 2, warps: [1, 1.1] };
    let calls = 0;
    const score = async (t: Times): Promise<Scored> => {
      calls++;
      t.model.push(5);
      t.mandarin.push(7);
      return scored();
    };
    const times: Times = { model: [], mandarin: [] };
    const first = await cachedScore(join(dir, 'cache'), key, times, score);
    assert.equal(first.hit, false);
    const again: Times = { model: [], mandarin: [] };
    const second = await cachedScore(join(dir, 'cache'), key, again, score);
    assert.equal(second.hit, true);
    assert.equal(calls, 1);
    assert.deepEqual(second.scored, scored());
    assert.deepEqual(again, { model: [5], mandarin: [7] }, 'the times measured when the entry was made come back with it');

    await cachedScore(join(dir, 'cache'), { ...key, perPace: 3 }, times, score);
    writeFileSync(model, 'weights B');
    const retrained = await cachedScore(join(dir, 'cache'), key, times, score);
    assert.equal(retrained.hit, false);
    assert.equal(calls, 3);
    assert.equal(readdirSync(join(dir, 'cache')).length, 3);

    for (const n of readdirSync(join(dir, 'cache'))) writeFileSync(join(dir, 'cache', n), '{"scored": {"voi');
    const rescored = await cachedScore(join(dir, 'cache'), key, times, score);
    assert.equal(rescored.hit, false, 'a damaged entry is scored again');
    assert.equal((await cachedScore(join(dir, 'cache'), key, times, score)).hit, true, 'and written anew');
    assert.ok(readdirSync(join(dir, 'cache')).every((n) => n.endsWith('.json')), 'no part-written file is left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a cache folder every voice is scored', async () => {
  let calls = 0;
  const key: ScoreKey = { modelPath: '/nonexistent', voice, seed: 1, perPace: 1, warps: [1] };
  for (let i = 0; i < 2; i++) await cachedScore(undefined, key, { model: [], mandarin: [] }, async () => (calls++, scored()));
  assert.equal(calls, 2);
});
