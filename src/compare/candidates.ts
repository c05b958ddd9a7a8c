import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AlignGeometry, Point } from './align.js';
import { alignByEyes } from './align.js';
import { decodeImage } from './decode.js';
import { DLIB_CHIP, describeAligned, eyeCentres, findMainFace, getFaceEmbedder, normalise, TEMPLATE_MODEL } from './embedder.js';
import { getHuman, type Tf } from './human.js';
import { resolveThresholds } from '../config/index.js';

/**
 * The face-recognition candidates measured by evaluate.ts. Only the winner is used by the
 * service (embedder.ts); the others stay here so the comparison can be re-run.
 */
export interface Candidate {
  name: string;
  embedFile(path: string): Promise<number[] | null>;
}

async function loadTensor(tf: Tf, path: string) {
  const frame = await decodeImage(await readFile(path));
  if (!frame) return null;
  return tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'int32');
}

async function humanWithDescription() {
  const human = await getHuman();
  await human.load({ face: { description: { enabled: true } } });
  return human;
}

/** The service's embedder (embedder.ts) as it answers requests. */
export async function production(): Promise<Candidate> {
  const embedder = await getFaceEmbedder(resolveThresholds().compare);
  return {
    name: `${TEMPLATE_MODEL} (service)`,
    async embedFile(path) {
      const r = await embedder.embedImage(new Uint8Array(await readFile(path)), 'photo');
      return r.ok ? r.template.embedding : null;
    },
  };
}

/** Human's own pipeline: its detector-rotated face crop fed to the description model. */
export async function humanBuiltIn(): Promise<Candidate> {
  const human = await humanWithDescription();
  return {
    name: 'human faceres, built-in crop (detector rotation)',
    async embedFile(path) {
      const input = await loadTensor(human.tf, path);
      if (!input) return null;
      try {
        const res = await human.detect(input, {
          face: { detector: { rotation: true }, description: { enabled: true }, antispoof: { enabled: false }, liveness: { enabled: false } },
        });
        const faces = res.face.filter((f) => (f.embedding?.length ?? 0) > 0);
        if (faces.length === 0) return null;
        const main = faces.reduce((b, f) => (f.box[2] * f.box[3] > b.box[2] * b.box[3] ? f : b));
        return normalise(main.embedding ?? []);
      } finally {
        input.dispose();
      }
    },
  };
}

/** Human's description model on a crop aligned by the mesh's eye centres. */
export async function humanAligned(geo: AlignGeometry): Promise<Candidate> {
  const human = await humanWithDescription();
  return {
    name: `human faceres, eye-aligned (eyes ${geo.eyeDistance} apart at y ${geo.eyeY})`,
    async embedFile(path) {
      const input = await loadTensor(human.tf, path);
      if (!input) return null;
      try {
        const found = await findMainFace(human, input, resolveThresholds().compare);
        const eyes = found && eyeCentres(found.face);
        const out = found && eyes ? await describeAligned(human, found.image, eyes, geo) : null;
        if (found && found.image !== input) found.image.dispose();
        return out;
      } finally {
        input.dispose();
      }
    },
  };
}

type FaceApi = typeof import('@vladmandic/face-api');

/**
 * face-api's ResNet-34 recognition model (dlib-style, 128-d) on SSD-MobileNet detections and
 * 68-point landmarks. Loaded from the Node WASM bundle, which needs the full @tensorflow/tfjs
 * (a devDependency: only this evaluation uses it).
 */
export async function faceApi(geo: AlignGeometry | 'native' = DLIB_CHIP): Promise<Candidate> {
  const human = await getHuman();
  const require = createRequire(import.meta.url);
  const pkg = dirname(dirname(require.resolve('@vladmandic/face-api')));
  const faceapi = require(join(pkg, 'dist', 'face-api.node-wasm.js')) as FaceApi;
  // face-api shares tfjs-core with Human, whose load already made WASM the active backend.
  if (human.tf.getBackend() !== 'wasm') throw new Error('face-api evaluation needs the WASM backend');
  const models = join(pkg, 'model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3 });
  return {
    name: geo === 'native' ? 'face-api recognition, its own landmark box' : `face-api recognition, chip aligned by face-api's 68 landmarks (eyes ${geo.eyeDistance} apart at y ${geo.eyeY})`,
    async embedFile(path) {
      const frame = await decodeImage(await readFile(path));
      if (!frame) return null;
      const raw = faceapi.tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
      let input3 = raw;
      try {
        let found = await faceapi.detectAllFaces(input3 as never, options).withFaceLandmarks();
        if (found.length === 0) {
          // Same tight-crop fallback as the production embedder (embedder.ts findMainFace).
          const pad = Math.round(0.3 * Math.max(frame.width, frame.height));
          input3 = human.tf.pad(raw, [[pad, pad], [pad, pad], [0, 0]]) as typeof raw;
          found = await faceapi.detectAllFaces(input3 as never, options).withFaceLandmarks();
        }
        if (found.length === 0) return null;
        const main = found.reduce((b, f) => (f.detection.box.area > b.detection.box.area ? f : b));
        if (geo === 'native') {
          const d = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(
            (await faceapi.extractFaceTensors(input3 as never, [main.alignedRect]))[0] as never,
          );
          return normalise(Array.from(d as Float32Array));
        }
        const mean = (pts: Array<{ x: number; y: number }>): Point => ({
          x: pts.reduce((s, p) => s + p.x, 0) / pts.length,
          y: pts.reduce((s, p) => s + p.y, 0) / pts.length,
        });
        const eyes: [Point, Point] = [mean(main.landmarks.getLeftEye()), mean(main.landmarks.getRightEye())];
        const input4 = human.tf.expandDims(input3 as never, 0) as ReturnType<Tf['tensor4d']>;
        const crop = alignByEyes(human.tf, input4, eyes, geo);
        input4.dispose();
        try {
          const d = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(human.tf.squeeze(crop, [0]) as never);
          return normalise(Array.from(d as Float32Array));
        } finally {
          crop.dispose();
        }
      } finally {
        raw.dispose();
        if (input3 !== raw) input3.dispose();
      }
    },
  };
}
