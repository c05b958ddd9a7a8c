import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import type { RgbFrame } from '../core/frames.js';
import { repoRoot } from '../eval/data-dir.js';
import { sharedData, SHARED_DATA_MISSING } from '../media/fixtures.test-helper.js';
import { detectFaces } from './track.js';
import { cropBgr, padCrops, type PadModelName, type Window } from './pad-crop.js';
import { padLogits, scorePadCrops } from './pad-model.js';

const data = sharedData();
const skip = data ? false : SHARED_DATA_MISSING;
const photo = (name: string): string => join(data ?? '', 'spoof/silent_face/images/sample', `${name}.jpg`);

async function upright(path: string): Promise<RgbFrame> {
  const { data: px, info } = await sharp(path).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(px.buffer, px.byteOffset, px.length), t: 0 };
}

interface Recorded {
  photo: string;
  box: 'mesh' | 'upstream';
  model: PadModelName;
  window: Window;
  torch: number[];
}

describe('presentation-attack models (Silent-Face MiniFASNet, ONNX)', () => {
  it('give the outputs PyTorch gave for the original weights on the same crops', { skip }, async () => {
    // models/pad-parity.json: PyTorch logits of the upstream .pth files on the crops cut from the
    // real spoof photos by the boxes upstream drew (src/eval/pad/parity.ts wrote it).
    const record = JSON.parse(readFileSync(join(repoRoot(), 'models', 'pad-parity.json'), 'utf8')) as { entries: Recorded[] };
    const fixed = record.entries.filter((e) => e.box === 'upstream');
    assert.equal(fixed.length, 6, 'three photos, two models');
    for (const e of fixed) {
      const logits = await padLogits(e.model, [cropBgr(await upright(photo(e.photo)), e.window)]);
      const diff = Math.max(...e.torch.map((v, k) => Math.abs(v - logits[k])));
      assert.ok(diff < 1e-3, `${e.photo} ${e.model}: ONNX differs from PyTorch by ${diff}`);
    }
  });

  it('score a batch of frames as they score each frame alone', async () => {
    const frame = (seed: number): RgbFrame => ({ width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).map((_, i) => (i * seed) % 251), t: seed });
    const mesh = Array.from({ length: 468 }, (_, i): [number, number, number] => [120 + (i % 2) * 80, 80 + (i % 3) * 45, 0]);
    const crops = [3, 7, 11].map((s) => padCrops(frame(s), mesh));
    const together = await scorePadCrops(crops);
    for (const [i, c] of crops.entries()) {
      const [alone] = await scorePadCrops([c]);
      assert.ok(Math.abs(alone.live - together[i].live) < 1e-5);
      assert.equal(together[i].t, c.t);
      assert.ok(together[i].live >= 0 && together[i].live <= 1);
      assert.ok(Math.abs(together[i].live - (together[i].v2 + together[i].v1se) / 2) < 1e-9);
    }
  });

  it('with the service crops, find the real selfie live and the printed and screen photos not', { skip }, async () => {
    const live: Record<string, number> = {};
    for (const name of ['image_T1', 'image_F1', 'image_F2']) {
      const frame = await upright(photo(name));
      const [face] = await detectFaces(frame);
      assert.ok(face, `${name}: a face`);
      live[name] = (await scorePadCrops([padCrops(frame, face.mesh)]))[0].live;
    }
    assert.ok(live.image_T1 > 0.9, `real selfie ${live.image_T1}`);
    assert.ok(live.image_F1 < 0.5, `printed photo ${live.image_F1}`);
    assert.ok(live.image_F2 < 0.5, `screen photo ${live.image_F2}`);
  });
});
