/**
 * Checks the shipped presentation-attack models against their source:
 *   nice -n 10 node --import tsx src/eval/pad/parity.ts [--data DIR] [--out models/pad-parity.md]
 *
 * On each real photo of spoof/ (upright, EXIF applied) it makes the crops the service makes
 * (Human mesh, src/vision/pad-crop.ts) and the crops from the face boxes upstream drew on its
 * own result images, runs the ONNX files with onnxruntime-node, and has Debian's PyTorch run the
 * original .pth weights through training/pad/minifasnet.py on the same crops. When OpenCV is
 * installed for /usr/bin/python3 (Debian python3-opencv) it also compares our crops with
 * `cv2.resize`'s. Writes a markdown record; exits 1 when ONNX and PyTorch disagree.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { RgbFrame } from '../../core/frames.js';
import { findSpoofPhotos } from '../attacks/index.js';
import { defaultDataDir, repoRoot } from '../data-dir.js';
import { detectFaces } from '../../vision/index.js';
import { contextWindow, cropBgr, meshBox, type Window } from '../../vision/pad-crop.js';
import { PAD_MODELS, type PadModelName } from '../../vision/pad-crop.js';
import { padLogits } from '../../vision/pad-model.js';
import type { Box } from '../../vision/image-stats.js';

const run = promisify(execFile);

/** The .pth file each shipped ONNX file was exported from (training/pad/export.py). */
const SOURCE: Record<PadModelName, string> = { v2: '2.7_80x80_MiniFASNetV2.pth', v1se: '4_0_0_80x80_MiniFASNetV1SE.pth' };

/**
 * Face boxes upstream drew on image_*_result.jpg (cv2.rectangle from (x, y) to (x+w, y+h),
 * 2 px thick), read off the pictures, and the score upstream printed above each box (the
 * winning class's mean probability over the two models).
 */
const UPSTREAM: Record<string, { box: Box; label: 'live' | 'spoof'; score: number }> = {
  image_F1: { box: { x: 178, y: 136, width: 223, height: 225 }, label: 'spoof', score: 0.73 },
  image_F2: { box: { x: 120, y: 252, width: 252, height: 256 }, label: 'spoof', score: 0.82 },
  image_T1: { box: { x: 106, y: 146, width: 207, height: 215 }, label: 'live', score: 0.99 },
};

/** Largest difference between ONNX and PyTorch logits that still counts as the same model. */
const MAX_LOGIT_DIFF = 1e-3;

interface Entry {
  photo: string;
  boxKind: 'mesh' | 'upstream';
  model: PadModelName;
  window: Window;
  crop: Float32Array;
  frameFile: string;
  frame: RgbFrame;
}

interface TorchResult {
  torch: number[];
  cv2?: { maxPixelDiff: number; differingValues: number; torch: number[] };
}

const softmax = (l: ArrayLike<number>): number[] => {
  const m = Math.max(...Array.from(l));
  const e = Array.from(l, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

async function upright(path: string): Promise<RgbFrame> {
  const { data, info } = await sharp(path).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length), t: 0 };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dataDir = opt('--data') ?? defaultDataDir();
  const out = opt('--out') ?? join(repoRoot(), 'models', 'pad-parity.md');
  const record = out.replace(/\.md$/, '') + '.json';
  const weights = join(dataDir, 'models', 'silent_face');
  const work = await mkdtemp(join(tmpdir(), 'pad-parity-'));
  try {
    const entries: Entry[] = [];
    const { photos } = await findSpoofPhotos(join(dataDir, 'spoof'));
    for (const p of photos) {
      const name = p.source.split('/').pop()!.replace(/\.\w+$/, '');
      const frame = await upright(p.path);
      const frameFile = join(work, `${name}.rgb`);
      await writeFile(frameFile, frame.data);
      const faces = await detectFaces(frame);
      const main = faces.reduce<(typeof faces)[number] | undefined>((m, f) => (!m || f.box[2] * f.box[3] > m.box[2] * m.box[3] ? f : m), undefined);
      const boxes: Array<['mesh' | 'upstream', Box]> = [];
      if (main) boxes.push(['mesh', meshBox(main.mesh)]);
      if (UPSTREAM[name]) boxes.push(['upstream', UPSTREAM[name].box]);
      for (const [boxKind, box] of boxes) {
        for (const m of PAD_MODELS) {
          const window = contextWindow(frame.width, frame.height, box, m.scale);
          entries.push({ photo: name, boxKind, model: m.name, window, crop: cropBgr(frame, window), frameFile, frame });
        }
      }
    }
    const request = {
      entries: await Promise.all(
        entries.map(async (e, i) => {
          const crop = join(work, `crop-${i}.f32`);
          await writeFile(crop, Buffer.from(e.crop.buffer, e.crop.byteOffset, e.crop.byteLength));
          const w = e.window;
          return { model: SOURCE[e.model], crop, frame: e.frameFile, width: e.frame.width, height: e.frame.height, window: [w.left, w.top, w.right, w.bottom] };
        }),
      ),
    };
    const requestFile = join(work, 'request.json');
    await writeFile(requestFile, JSON.stringify(request));
    const script = join(repoRoot(), 'training', 'pad', 'torch_scores.py');
    const { stdout } = await run('/usr/bin/python3', [script, '--weights', weights, '--request', requestFile], { maxBuffer: 64 * 1024 * 1024 });
    const torchRun = JSON.parse(stdout) as { opencv: string | null; torch: string; results: TorchResult[] };

    const onnx = await Promise.all(entries.map((e) => padLogits(e.model, [e.crop])));
    const rows: string[] = [];
    let worst = 0;
    let worstCrop = 0;
    for (const [i, e] of entries.entries()) {
      const ref = torchRun.results[i];
      const ours = Array.from(onnx[i]);
      const diff = Math.max(...ours.map((v, k) => Math.abs(v - ref.torch[k])));
      worst = Math.max(worst, diff);
      const pOurs = softmax(ours)[1];
      const cv = ref.cv2;
      if (cv) worstCrop = Math.max(worstCrop, cv.maxPixelDiff);
      rows.push(
        `| ${e.photo} | ${e.boxKind} | ${e.model} | ${e.window.left},${e.window.top}-${e.window.right},${e.window.bottom} | ` +
          `${ours.map((v) => v.toFixed(4)).join(', ')} | ${diff.toExponential(1)} | ${pOurs.toFixed(4)} | ` +
          (cv ? `${cv.maxPixelDiff} (${cv.differingValues} of 19200) | ${softmax(cv.torch)[1].toFixed(4)} |` : 'n/a | n/a |'),
      );
    }
    const fused: string[] = [];
    for (const photo of Object.keys(UPSTREAM)) {
      for (const kind of ['mesh', 'upstream'] as const) {
        const idx = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.photo === photo && e.boxKind === kind);
        if (idx.length !== PAD_MODELS.length) continue;
        const probs = idx.map(({ i }) => softmax(Array.from(onnx[i])));
        const mean = [0, 1, 2].map((k) => probs.reduce((s, p) => s + p[k], 0) / probs.length);
        const label = mean.indexOf(Math.max(...mean)) === 1 ? 'live' : 'spoof';
        const up = UPSTREAM[photo];
        fused.push(`| ${photo} | ${kind} | ${mean[1].toFixed(3)} | ${label} ${Math.max(...mean).toFixed(2)} | ${up.label} ${up.score.toFixed(2)} |`);
      }
    }
    const ok = worst <= MAX_LOGIT_DIFF;
    const md = [
      '# Presentation-attack models: ONNX against PyTorch',
      '',
      `Generated by \`node --import tsx src/eval/pad/parity.ts\` on ${new Date().toISOString()}; do not edit by hand.`,
      `PyTorch ${torchRun.torch} (Debian python3-torch) runs the upstream .pth weights through training/pad/minifasnet.py;`,
      `onnxruntime-node runs models/${PAD_MODELS.map((m) => m.file).join(' and models/')}. OpenCV: ${torchRun.opencv ?? 'not installed, crops not compared'}.`,
      '',
      `**Largest logit difference ONNX vs PyTorch: ${worst.toExponential(2)}** (limit ${MAX_LOGIT_DIFF}): ${ok ? 'the same model' : 'MISMATCH'}.`,
      torchRun.opencv ? `Largest pixel difference between our crop and cv2.resize's: ${worstCrop} (of 0-255).` : '',
      '',
      'Crops: `mesh` is the box the service derives from Human\'s face mesh; `upstream` is the box upstream drew on its',
      'result image of the same photo. Window: the pixels cut out (inclusive) before resizing to 80x80.',
      '',
      '| photo | box | model | window | ONNX logits | max diff to PyTorch | ONNX live probability | our crop vs cv2 (max diff, values differing) | PyTorch live probability on the cv2 crop |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      'Both models fused as upstream does (mean of the two probability vectors, the largest class wins), against the',
      'verdict and score upstream printed on its result images:',
      '',
      '| photo | box | live probability | our verdict | upstream verdict |',
      '|---|---|---|---|---|',
      ...fused,
      '',
    ].join('\n');
    await writeFile(out, md);
    // What the parity test (src/vision/pad-model.test.ts) checks the ONNX files against.
    const recorded = entries.map((e, i) => ({ photo: e.photo, box: e.boxKind, model: e.model, window: e.window, torch: torchRun.results[i].torch }));
    await writeFile(record, JSON.stringify({ generatedBy: 'src/eval/pad/parity.ts', torch: torchRun.torch, entries: recorded }, null, 1) + '\n');
    console.log(md);
    if (!ok) process.exitCode = 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
