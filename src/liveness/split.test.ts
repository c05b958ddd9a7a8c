import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { describe, it } from 'node:test';
import type { RgbFrame } from '../core/frames.js';
import { divideFrames, TrackHelper } from './split.js';

const frame = (i: number): RgbFrame => ({ width: 4, height: 2, data: new Uint8Array(24).fill(i), t: i / 20 });

async function* decoded(n: number): AsyncGenerator<RgbFrame> {
  for (let i = 0; i < n; i++) yield frame(i);
}

describe('one decoder for two threads', () => {
  it("sends the second half to the helper as it is decoded, before this thread has tracked its own half", async () => {
    const { port1, port2 } = new MessageChannel();
    const sent: number[] = [];
    let ended = false;
    port2.on('message', (m: { type: string; frame?: RgbFrame }) => {
      if (m.type === 'frame' && m.frame) sent.push(m.frame.data[0]);
      if (m.type === 'end') ended = true;
    });
    const helper = new TrackHelper(port1);
    const head = divideFrames(decoded(10), 4, helper, 8);
    const first = await head.next();
    assert.equal(first.value?.data[0], 0);
    // This thread has taken one frame; the helper's six are already on their way.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(sent, [4, 5, 6, 7, 8, 9]);
    assert.ok(ended, 'the helper was told there are no more frames');
    const rest: number[] = [];
    for await (const f of head) rest.push(f.data[0]);
    assert.deepEqual(rest, [1, 2, 3]);
    helper.release();
  });

  it('passes a decoding failure on to this thread, after the frames that came out', async () => {
    const { port1 } = new MessageChannel();
    const helper = new TrackHelper(port1);
    async function* broken(): AsyncGenerator<RgbFrame> {
      yield frame(0);
      throw new Error('video could not be decoded');
    }
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const f of divideFrames(broken(), 4, helper, 8)) seen.push(f.data[0]);
    }, /could not be decoded/);
    assert.deepEqual(seen, [0]);
    helper.release();
  });
});
