import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childCpuSeconds, median } from './measure.js';

test('median takes the middle value, or the mean of the middle two', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test("children's CPU is cutime + cstime, even when the command name holds ') '", () => {
  // pid (comm) state ppid ... : fields 14-17 are utime stime cutime cstime.
  const after = ['S', '1', '1', '1', '0', '-1', '0', '0', '0', '0', '0', '900', '50', '123', '77', '20', '0'];
  const line = `4242 (node a) b) ${after.join(' ')}\n`;
  assert.equal(childCpuSeconds(() => line), 2);
  assert.ok(childCpuSeconds() >= 0, 'reads this process on Linux');
});

test('no /proc is an error, not a figure that leaves ffmpeg out', () => {
  assert.throws(() => childCpuSeconds(() => { throw new Error('ENOENT'); }), /needs \/proc\/self\/stat/);
  assert.throws(() => childCpuSeconds(() => '1 (x) S 1'), /unreadable/);
});
