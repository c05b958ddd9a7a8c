import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spreadIndices } from './spread.js';

test('spread indices start at the first item, or take the middle of each share with phase 0.5', () => {
  assert.deepEqual(spreadIndices(11, 3), [0, 3, 7]);
  assert.deepEqual(spreadIndices(16, 8, 0.5), [1, 3, 5, 7, 9, 11, 13, 15]);
  assert.deepEqual(spreadIndices(3, 8, 0.5), [0, 1, 2]);
});
