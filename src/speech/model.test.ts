import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkOutputs } from './model.js';

test('a model file\'s networks are its logprobs outputs in order, anything else ignored', () => {
  assert.deepEqual(networkOutputs(['logprobs_1', 'frames', 'logprobs', 'logprobs_x', 'logprobs_10', 'logprobs_2']), ['logprobs', 'logprobs_1', 'logprobs_2', 'logprobs_10']);
  assert.deepEqual(networkOutputs(['logprobs']), ['logprobs']);
  assert.deepEqual(networkOutputs(['scores']), []);
});
