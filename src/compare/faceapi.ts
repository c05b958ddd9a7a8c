import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getHuman, type Tf } from './human.js';

type FaceApi = typeof import('@vladmandic/face-api');
type Tensor3D = ReturnType<Tf['tensor3d']>;

/**
 * face-api's recognition model (a ResNet-34 ported from dlib, 128-d descriptors) sharing
 * Human's tfjs-core and WASM backend in the same thread. Only the recognition net is
 * loaded: detection and landmarks come from Human, which finds faces face-api's SSD misses
 * (docs/face.md).
 */
export interface Recogniser {
  /** 150x150x3 aligned face, pixel values 0-255. */
  describe(chip: Tensor3D): Promise<Float32Array>;
}

let loading: Promise<Recogniser> | undefined;

export function getRecogniser(): Promise<Recogniser> {
  loading ??= createRecogniser();
  return loading;
}

async function createRecogniser(): Promise<Recogniser> {
  // Human first: it makes WASM the active backend before face-api's tfjs registers its own.
  const human = await getHuman();
  const require = createRequire(import.meta.url);
  const pkg = dirname(dirname(require.resolve('@vladmandic/face-api')));
  const faceapi = require(join(pkg, 'dist', 'face-api.node-wasm.js')) as FaceApi;
  if (human.tf.getBackend() !== 'wasm') throw new Error(`face-api needs the WASM backend, found ${human.tf.getBackend()}`);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(join(pkg, 'model'));
  return {
    async describe(chip) {
      return (await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(chip as never)) as Float32Array;
    },
  };
}
