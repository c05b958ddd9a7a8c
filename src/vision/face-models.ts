import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { tfjsToOnnx, type TfjsModelJson } from './onnx/from-tfjs.js';

/**
 * The face models of the video pipeline on onnxruntime: MediaPipe BlazeFace (detector) and
 * FaceMesh (468 landmarks); the presentation check has its own models (pad-model.ts). The
 * weights are the ones @vladmandic/human ships in its models/ folder (MIT; BlazeFace and
 * FaceMesh are Google's MediaPipe models, Apache-2.0), translated to ONNX in memory when the thread starts
 * (onnx/from-tfjs.ts): nothing is downloaded and no converted copy is kept.
 *
 * Why: under tfjs' WASM backend these models were most of a verification's CPU time; the
 * same graphs under onnxruntime's CPU kernels take a fraction of it (docs/performance.md).
 */

const require = createRequire(import.meta.url);

/** Human's models/ folder; its package exports hide the folder, so walk up from the entry. */
export function humanModelDir(): string {
  let dir = dirname(require.resolve('@vladmandic/human'));
  while (!dir.endsWith(join('node_modules', '@vladmandic', 'human'))) {
    if (dirname(dir) === dir) throw new Error('@vladmandic/human is not installed');
    dir = dirname(dir);
  }
  return join(dir, 'models');
}

export interface ModelRunner {
  /** Runs the model on one NHWC float image; outputs by their tfjs names. */
  run(input: Float32Array, size: number): Promise<Record<string, Float32Array>>;
}

async function loadModel(name: string): Promise<ModelRunner> {
  const dir = humanModelDir();
  const json = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as TfjsModelJson;
  const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
  const { onnx, input } = tfjsToOnnx(json, new Uint8Array(Buffer.concat(shards)), `${name} from @vladmandic/human/models`);
  // One intra-op thread: the service runs one worker thread per core, each with its own models.
  const session = await InferenceSession.create(onnx, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  return {
    async run(data, size) {
      const out = await session.run({ [input]: new Tensor('float32', data, [1, size, size, 3]) });
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
    },
  };
}

export interface FaceModels {
  detector: ModelRunner;
  mesh: ModelRunner;
}

let loading: Promise<FaceModels> | undefined;

/** The thread's face models, loaded once (about 0.3 s of CPU). */
export function getFaceModels(): Promise<FaceModels> {
  loading ??= (async () => {
    const [detector, mesh] = await Promise.all(['blazeface', 'facemesh'].map(loadModel));
    return { detector, mesh };
  })().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
