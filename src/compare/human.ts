import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { io } from '@tensorflow/tfjs-core';
import type { Config, Human } from '@vladmandic/human';

/**
 * One Human instance per thread for still-image face analysis: detector, mesh (for the eye
 * landmarks that drive alignment) and the description model (embedding). Frame caching is
 * off because every call is an unrelated image.
 */

const require = createRequire(import.meta.url);
// The export map hides package.json; the 'node' entry sits in dist/.
const humanPkgDir = dirname(dirname(require.resolve('@vladmandic/human')));
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const modelDir = join(humanPkgDir, 'models');

type HumanModule = typeof import('@vladmandic/human');
export type Tf = Human['tf'];

export const HUMAN_CONFIG: Partial<Config> = {
  backend: 'wasm',
  wasmPath: `${wasmDir}/`,
  modelBasePath: `${pathToFileURL(modelDir).href}/`,
  debug: false,
  async: false,
  warmup: 'none',
  cacheSensitivity: 0,
  skipAllowed: false,
  cacheModels: false,
  filter: { enabled: false },
  gesture: { enabled: false },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  segmentation: { enabled: false },
  face: {
    enabled: true,
    detector: { rotation: false, maxDetected: 5, skipFrames: 0, minConfidence: 0.3, return: false },
    mesh: { enabled: true },
    iris: { enabled: false },
    attention: { enabled: false },
    emotion: { enabled: false },
    // The description model is only loaded by the evaluation (candidates.ts).
    description: { enabled: false, skipFrames: 0 },
    // Picture liveness uses the Silent-Face models (src/vision/pad-model.ts), not Human's.
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
} as Partial<Config>;

let loading: Promise<Human> | undefined;

/** The thread's Human instance, created and warmed on first use. */
export function getHuman(): Promise<Human> {
  loading ??= createHuman();
  return loading;
}

async function createHuman(): Promise<Human> {
  // The package's export map hides the Node WASM bundle, so it is loaded by path.
  const mod = require(join(humanPkgDir, 'dist', 'human.node-wasm.js')) as HumanModule;
  const human = new mod.Human(HUMAN_CONFIG);
  registerFileLoader(human.tf);
  await human.load();
  await human.tf.ready();
  return human;
}

/**
 * tfjs-core only knows http(s) model URLs; a load router for file:// reads model.json and
 * its weight shards from disk, without touching the global fetch that other code uses.
 */
let fileLoaderRegistered = false;
function registerFileLoader(tf: Tf): void {
  if (fileLoaderRegistered) return;
  fileLoaderRegistered = true;
  tf.io.registerLoadRouter((url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const path = fileURLToPath(url);
    return {
      load: async () => {
        const json = JSON.parse(await readFile(path, 'utf8')) as io.ModelJSON;
        return tf.io.getModelArtifactsForJSON(json, async (manifest: io.WeightsManifestConfig) => {
          const specs = manifest.flatMap((group) => group.weights);
          const buffers = await Promise.all(
            manifest.flatMap((group) => group.paths).map((p) => readFile(join(dirname(path), p))),
          );
          const data = Buffer.concat(buffers);
          return [specs, data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)];
        });
      },
    };
  });
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `fn` when every earlier call has finished. Human's bundle keeps per-call state at
 * module level (face boxes carried between calls, the instance's state fields), so two
 * detections interleaving at their awaits on one thread could mix their results.
 */
export function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}
