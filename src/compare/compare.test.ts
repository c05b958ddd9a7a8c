import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { getFaceEmbedder, scorePictureLiveness, simFromCosine, TemplateMismatchError, type FaceEmbedder } from './index.js';
import { decodeImage } from './decode.js';
import { pictureScore } from './picture-liveness.js';
import { AlignedFaceEmbedder } from './embedder.js';
import { getHuman } from './human.js';
import { sharedDataDir } from './eval-data.js';
import { resolveThresholds } from '../config/index.js';

const all = resolveThresholds();
const th = all.compare;

const shared = sharedDataDir();
const faces = join(shared, 'faces');
const noShared = existsSync(join(faces, 'pairs.csv')) ? false : `shared data not found at ${shared} (set LIVECHECK_SHARED_DATA)`;
const read = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(shared, rel)));

/** A face-free picture: smooth colour gradients, generated here so the test needs no data. */
async function landscape(): Promise<Uint8Array> {
  const w = 320;
  const h = 240;
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set([x % 256, (y * 2) % 256, 90], (y * w + x) * 3);
  return new Uint8Array(await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer());
}

describe('sim scale', () => {
  it('maps the calibration anchors to 70 and 80 and clamps to 0-100', () => {
    assert.equal(simFromCosine(th.cosineAtSim70, th), 70);
    assert.ok(Math.abs(simFromCosine(th.cosineAtSim80, th) - 80) < 1e-9);
    assert.equal(simFromCosine(1.5, th), 100);
    assert.equal(simFromCosine(-1, th), 0);
    assert.ok(simFromCosine(0.93, th) < simFromCosine(0.94, th));
  });
});

describe('face embedder', () => {
  let embedder: FaceEmbedder;
  before(async () => {
    embedder = await getFaceEmbedder(th);
  });

  it('answers -4018 / -4011 for bytes that are not an image', async () => {
    const junk = new TextEncoder().encode('definitely not a JPEG');
    assert.deepEqual(await embedder.embedImage(junk, 'card'), { ok: false, error: 'CARD_DECODE_FAILED' });
    assert.deepEqual(await embedder.embedImage(junk, 'photo'), { ok: false, error: 'PHOTO_DECODE_FAILED' });
    assert.deepEqual(await embedder.embedImage(new Uint8Array(), 'photo'), { ok: false, error: 'PHOTO_DECODE_FAILED' });
  });

  it('answers -4017 / -4012 / -4015 for a picture without a face', async () => {
    const img = await landscape();
    assert.deepEqual(await embedder.embedImage(img, 'card'), { ok: false, error: 'CARD_NO_FACE' });
    assert.deepEqual(await embedder.embedImage(img, 'photo'), { ok: false, error: 'PHOTO_NO_FACE' });
    const frame = await decodeImage(img);
    assert.ok(frame);
    assert.deepEqual(await embedder.embedFrame(frame), { ok: false, error: 'VIDEO_NO_FACE' });
  });

  it('answers -4006 for a video frame whose buffer does not match its size', async () => {
    assert.deepEqual(await embedder.embedFrame({ width: 10, height: 10, data: new Uint8Array(5), t: 0 }), { ok: false, error: 'VIDEO_FEATURE_FAILED' });
  });

  it('answers -4009 / -4006 when the face is found but the model gives no usable descriptor', { skip: noShared }, async () => {
    const broken = new AlignedFaceEmbedder(await getHuman(), { describe: async () => new Float32Array(128).fill(Number.NaN) }, th);
    const bytes = read('faces/face_recognition/examples/obama.jpg');
    assert.deepEqual(await broken.embedImage(bytes, 'card'), { ok: false, error: 'CARD_FEATURE_FAILED' });
    const frame = await decodeImage(bytes);
    assert.ok(frame);
    assert.deepEqual(await broken.embedFrame(frame), { ok: false, error: 'VIDEO_FEATURE_FAILED' });
  });

  it('gives the same templates when calls overlap as when they run one by one', { skip: noShared }, async () => {
    const files = ['faces/face_recognition/examples/obama.jpg', 'faces/face_recognition/examples/biden.jpg'].map(read);
    const together = await Promise.all(files.map((f) => embedder.embedImage(f, 'photo')));
    for (const [i, f] of files.entries()) {
      const alone = await embedder.embedImage(f, 'photo');
      assert.ok(alone.ok && together[i].ok);
      assert.deepEqual(together[i], alone);
    }
  });

  it('refuses to compare templates made by different models', () => {
    assert.throws(() => embedder.similarity({ model: 'a', embedding: [1] }, { model: 'b', embedding: [1] }), TemplateMismatchError);
  });

  it('scores a same-person pair above 70 and a different-person pair below', { skip: noShared }, async () => {
    const obama = await embedder.embedImage(read('faces/face_recognition/examples/obama.jpg'), 'photo');
    const obama2 = await embedder.embedImage(read('faces/face_recognition/examples/obama2.jpg'), 'photo');
    const biden = await embedder.embedImage(read('faces/face_recognition/examples/biden.jpg'), 'photo');
    assert.ok(obama.ok && obama2.ok && biden.ok);
    const same = embedder.similarity(obama.template, obama2.template);
    const different = embedder.similarity(obama.template, biden.template);
    assert.ok(same > 70, `same person scored ${same}`);
    assert.ok(different < 70, `different people scored ${different}`);
  });

  it('embeds a decoded video frame like the same picture given as a file', { skip: noShared }, async () => {
    const bytes = read('faces/face_recognition/examples/obama.jpg');
    const frame = await decodeImage(bytes);
    assert.ok(frame);
    const fromFrame = await embedder.embedFrame(frame);
    const fromFile = await embedder.embedImage(bytes, 'card');
    assert.ok(fromFrame.ok && fromFile.ok);
    // Identical input gives cosine 1, the top of the scale (95 with the calibrated anchors).
    assert.ok(embedder.similarity(fromFrame.template, fromFile.template) >= simFromCosine(0.9999, th));
  });

  it('finds a face on ID documents with small halftone portraits', { skip: noShared }, async () => {
    // 33_id-usa.jpg: two cards side by side, the portrait about 50 px tall.
    for (const doc of ['id/passporteye/passporteye/mrz/testdata/25_pass-uto.jpg', 'id/passporteye/passporteye/mrz/testdata/33_id-usa.jpg']) {
      const r = await embedder.embedImage(read(doc), 'card');
      assert.equal(r.ok, true, `${doc}: ${r.ok ? '' : r.error}`);
    }
  });

  it('answers -4017 for the back of an ID card, which has no portrait', { skip: noShared }, async () => {
    assert.deepEqual(await embedder.embedImage(read('id/passporteye/passporteye/mrz/testdata/100_id-che.jpg'), 'card'), { ok: false, error: 'CARD_NO_FACE' });
  });
});

describe('picture liveness', () => {
  it('scores above 87 exactly when the live probability reaches the threshold, monotonically', () => {
    for (const t of [0.3, 0.5, 0.8]) {
      assert.equal(pictureScore(t, t), 88);
      assert.ok(pictureScore(t - 1e-6, t) <= 87);
      assert.equal(pictureScore(1, t), 100);
      assert.equal(pictureScore(0, t), 0);
      let last = -1;
      for (let p = 0; p <= 1; p += 0.01) {
        const s = pictureScore(p, t);
        assert.ok(Number.isInteger(s) && s >= last, `score ${s} at ${p}`);
        last = s;
      }
    }
  });

  it('answers -4011 for bytes that are not an image and -4012 without a face', async () => {
    assert.deepEqual(await scorePictureLiveness(new TextEncoder().encode('nope'), all), { ok: false, error: 'PHOTO_DECODE_FAILED' });
    assert.deepEqual(await scorePictureLiveness(await landscape(), all), { ok: false, error: 'PHOTO_NO_FACE' });
  });

  it('scores the real selfie above 87 and the printed and screen attacks below (smoke test)', { skip: noShared }, async () => {
    const score = async (f: string): Promise<number> => {
      const r = await scorePictureLiveness(read(`spoof/silent_face/images/sample/${f}`), all);
      assert.ok(r.ok && r.score !== undefined, `${f}: ${r.error}`);
      assert.equal(typeof r.details?.live, 'number');
      return r.score;
    };
    const real = await score('image_T1.jpg');
    assert.ok(real > 87, `real selfie scored ${real}`);
    for (const attack of ['image_F1.jpg', 'image_F2.jpg']) {
      const s = await score(attack);
      assert.ok(s <= 87 && s < real, `${attack} scored ${s}`);
    }
  });
});
