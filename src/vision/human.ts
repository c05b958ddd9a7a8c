import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Config, Human as HumanInstance } from '@vladmandic/human';

/**
 * One shared @vladmandic/human instance per thread, on the tfjs WASM backend.
 * Human only lets a model reuse earlier work when it judges the input unchanged
 * (`cacheSensitivity`). The mesh must see every frame (a cached mesh would hide exactly the
 * motion we measure), but the face detector need not: between keyframes the mesh runs on the
 * box its own landmarks gave on the previous frame. So the input check always says "reusable"
 * and each call decides what may be reused: `detector.skipFrames` (0 on keyframes).
 */

const require = createRequire(import.meta.url);

export type Human = HumanInstance;

let loading: Promise<Human> | undefined;

export function getHuman(): Promise<Human> {
  loading ??= load();
  return loading;
}

function packageDir(name: string): string {
  // The exports maps hide package.json and dist/ files, so resolve the main entry and walk up.
  let dir = dirname(require.resolve(name));
  while (!dir.endsWith(join('node_modules', ...name.split('/')))) dir = dirname(dir);
  return dir;
}

/** Human loads models with the global fetch, which cannot read file:// URLs in Node. */
function installFileFetch(): void {
  const original = globalThis.fetch;
  if ((original as { fileAware?: boolean }).fileAware) return;
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith('file:')) return new Response(await readFile(fileURLToPath(url)));
    return original(input, init);
  };
  Object.assign(wrapped, { fileAware: true });
  globalThis.fetch = wrapped as typeof fetch;
}

async function load(): Promise<Human> {
  installFileFetch();
  const humanDir = packageDir('@vladmandic/human');
  const wasmDir = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  // A CommonJS bundle: named exports under plain Node and tsx alike.
  const { Human } = (await import(pathToFileURL(join(humanDir, 'dist', 'human.node-wasm.js')).href)) as {
    Human: new (config: Partial<Config>) => Human;
  };
  const config: Partial<Config> = {
    backend: 'wasm',
    wasmPath: `${wasmDir}/`,
    modelBasePath: `${pathToFileURL(join(humanDir, 'models')).href}/`,
    debug: false,
    async: false,
    warmup: 'none',
    // Any input counts as reusable; reuse is then governed per model by skipFrames (see above).
    cacheSensitivity: Number.MAX_VALUE,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 3, minConfidence: 0.5, skipFrames: 0, skipTime: Number.MAX_SAFE_INTEGER, return: false },
      mesh: { enabled: true },
      iris: { enabled: false },
      attention: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      // Presentation attacks are judged by the Silent-Face models (pad-model.ts), not Human's.
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    gesture: { enabled: false },
  };
  const human = new Human(config);
  await human.load();
  return human;
}
