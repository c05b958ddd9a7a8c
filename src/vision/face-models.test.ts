import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Human } from '@vladmandic/human';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { getHuman } from '../compare/human.js';
import type { RgbFrame } from '../core/frames.js';
import { seededRandom } from '../core/seeded-random.js';
import { resolveThresholds } from '../config/index.js';
import { probeLimits } from '../liveness/index.js';
import { decodeFrames, probeVideo } from '../media/index.js';
import { sharedData, SHARED_DATA_MISSING } from '../media/fixtures.test-helper.js';
import { getFaceModels, humanModelDir } from './face-models.js';
import { FacePipeline } from './face-pipeline.js';
import { decodeWeights, tfjsToOnnx, type TfjsModelJson } from './onnx/from-tfjs.js';

/**
 * The video pipeline runs Human's face models under onnxruntime and redoes Human's pre- and
 * post-processing in TypeScript; the thresholds were measured with Human on tfjs. These tests
 * hold the two together: the translated graphs against the tfjs graphs, and the whole face
 * pipeline against Human.detect on real frames.
 */

type GraphModel = { execute(x: unknown): unknown; outputs: Array<{ name: string }> };
const tfModel = (human: Human, name: string): GraphModel => (human.models.models as unknown as Record<string, GraphModel>)[name];

const MODELS = [
  ['blazeface', 'detector', 256],
  ['facemesh', 'mesh', 192],
] as const;

describe('face models on onnxruntime', () => {
  it('gives the outputs of the tfjs graphs it was translated from, for both models', async () => {
    const human = await getHuman();
    const models = await getFaceModels();
    const random = seededRandom(16);
    for (const [file, role, size] of MODELS) {
      const input = Float32Array.from({ length: size * size * 3 }, () => random());
      const ours = await models[role].run(input, size);
      const x = human.tf.tensor4d(input, [1, size, size, 3]);
      const raw = tfModel(human, file).execute(x);
      const theirs = (Array.isArray(raw) ? raw : [raw]) as Array<{ dataSync(): Float32Array; dispose(): void }>;
      const names = tfModel(human, file).outputs.map((o) => o.name.replace(/:0$/, ''));
      assert.equal(Object.keys(ours).length, theirs.length, `${file}: number of outputs`);
      theirs.forEach((t, i) => {
        const want = t.dataSync();
        const got = ours[names[i]];
        assert.equal(got.length, want.length, `${file} ${names[i]}: size`);
        const range = Math.max(1, ...Array.from(want, Math.abs));
        const worst = want.reduce((m, v, k) => Math.max(m, Math.abs(v - got[k])), 0);
        assert.ok(worst <= 1e-5 * range * 10, `${file} ${names[i]}: differs by ${worst} (values up to ${range})`);
        t.dispose();
      });
      x.dispose();
    }
  });

  it('reads float16 weights as tfjs does', () => {
    const halves = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0000]);
    const w = decodeWeights([{ paths: [], weights: [{ name: 'w', shape: [5], dtype: 'float32', quantization: { dtype: 'float16' } }] }], new Uint8Array(halves.buffer));
    assert.deepEqual(Array.from(w.get('w')?.data ?? []), [1, -2, 65504, 2 ** -24, 0]);
  });

  it('translates PReLU, in the fused form when every slope is at most 1 and in the older form otherwise', async () => {
    // Slopes and inputs exact in binary, so that a * x + (1 - a) * x is x to the bit in both forms.
    for (const slopes of [new Float32Array([0.25, 0.5]), new Float32Array([0.25, 1.5])]) {
      const json: TfjsModelJson = {
        modelTopology: {
          node: [
            { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: '1' }, { size: '2' }, { size: '2' }, { size: '2' }] } } } },
            { name: 'alpha', op: 'Const' },
            { name: 'y', op: 'Prelu', input: ['x', 'alpha'] },
            { name: 'out', op: 'Identity', input: ['y'] },
          ],
        },
        weightsManifest: [{ paths: [], weights: [{ name: 'alpha', shape: [2], dtype: 'float32' }] }],
      };
      const { onnx, input } = tfjsToOnnx(json, new Uint8Array(slopes.buffer), 'prelu test');
      const session = await InferenceSession.create(onnx);
      const x = new Float32Array([1.5, -2, -0.75, 3, 0, -0.125, -8, 0.5]);
      const got = (await session.run({ [input]: new Tensor('float32', x, [1, 2, 2, 2]) })).out.data as Float32Array;
      // NHWC: the channel is the last index.
      const want = Array.from(x, (v, i) => (v >= 0 ? v : Math.fround(slopes[i % 2] * v)));
      assert.deepEqual(Array.from(got), want, `slopes ${Array.from(slopes).join(', ')}`);
    }
  });

  it('refuses a graph with an op it does not translate, naming the op', () => {
    const json = JSON.parse(readFileSync(join(humanModelDir(), 'liveness.json'), 'utf8')) as TfjsModelJson;
    const weights = new Uint8Array(readFileSync(join(humanModelDir(), 'liveness.bin')));
    json.modelTopology.node = json.modelTopology.node.map((n) => (n.op === 'Softmax' ? { ...n, op: 'LogSoftmax' } : n));
    assert.throws(() => tfjsToOnnx(json, weights, 'test'), /LogSoftmax/);
  });

  const data = sharedData();
  it('finds and meshes faces on real video frames as Human.detect does', { skip: data ? false : SHARED_DATA_MISSING }, async () => {
    const clip = join(data as string, 'video', 'talking', 'WDA_KatieHill_000.mp4');
    const info = await probeVideo(clip, probeLimits(resolveThresholds()));
    const frames: RgbFrame[] = [];
    for await (const frame of decodeFrames(clip, info, { fps: 4, longSide: 480, maxDurationSec: 30, timeoutMs: 60_000 })) frames.push(frame);
    const human = await getHuman();
    const pipeline = new FacePipeline(await getFaceModels(), { maxFaces: 3, minConfidence: 0.5 });
    // Human's settings of the video pipeline (src/vision before onnxruntime): every frame a keyframe.
    const config = { face: { detector: { rotation: false, maxDetected: 3, minConfidence: 0.5 }, description: { enabled: false } } };
    let points = 0;
    let near = 0;
    for (const frame of frames) {
      const x = human.tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'int32');
      const theirs = (await human.detect(x as never, config as never)).face;
      x.dispose();
      const { faces: ours } = await pipeline.mesh(frame, await pipeline.detect(frame));
      assert.equal(ours.length, theirs.length, `faces at ${frame.t} s`);
      for (const [i, face] of ours.entries()) {
        const them = theirs[i];
        assert.deepEqual(face.box, them.box, `box at ${frame.t} s`);
        assert.equal(face.score, them.score);
        assert.equal(face.boxScore, them.boxScore);
        assert.ok(Math.abs(face.yaw - (them.rotation?.angle.yaw ?? NaN)) < 0.01 && Math.abs(face.pitch - (them.rotation?.angle.pitch ?? NaN)) < 0.01, `angles at ${frame.t} s`);
        face.mesh.forEach((p, k) => {
          points++;
          if (Math.abs(p[0] - them.mesh[k][0]) <= 1 && Math.abs(p[1] - them.mesh[k][1]) <= 1) near++;
        });
      }
    }
    assert.ok(frames.length >= 20 && points >= 20 * 468, `${frames.length} frames`);
    assert.equal(near, points, 'every mesh point within a pixel of Human');
  });
});
