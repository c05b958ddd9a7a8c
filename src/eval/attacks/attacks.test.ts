import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import {
  ATTACKS,
  GENUINE_JUDGING,
  audioShift,
  dubbing,
  extractFrame,
  findSpoofPhotos,
  heavyReencode,
  lowResolution,
  noAudio,
  phoneReplay,
  printedPhoto,
  probe,
  screenRecapture,
  screenReplay,
  silentAudio,
  stillPhoto,
  uprightPhoto,
  warpedPhoto,
  wrongDigits,
} from './index.js';

const run = promisify(execFile);
let dir: string;
let clip: string;
let voice: string;
let frame: string;
const digitWavs: string[] = [];

async function ff(args: string[]): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-y', ...args]);
  return stderr;
}

/** Decodes every frame and sample; any decoder complaint fails the test. */
async function assertDecodes(path: string): Promise<void> {
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-f', 'null', '-']);
  assert.equal(stderr.trim(), '', `decoder errors in ${path}`);
}

async function maxVolumeDb(path: string, fromSec: number, durSec: number): Promise<number> {
  const err = await ff(['-ss', String(fromSec), '-t', String(durSec), '-i', path, '-vn', '-af', 'volumedetect', '-f', 'null', '-']);
  const m = /max_volume: (-?[\d.]+|-inf) dB/.exec(err);
  if (!m) return -Infinity;
  return m[1] === '-inf' ? -Infinity : Number(m[1]);
}

async function hasFreeze(path: string): Promise<boolean> {
  const err = await ff(['-i', path, '-an', '-vf', 'freezedetect=n=0.001:d=1', '-f', 'null', '-']);
  return /freeze_start/.test(err);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livecheck-attacks-'));
  clip = join(dir, 'clip.mp4');
  voice = join(dir, 'voice.mp4');
  await ff(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2', '-f', 'lavfi', '-i', 'sine=f=440:d=2', '-shortest', '-pix_fmt', 'yuv420p', clip]);
  await ff(['-f', 'lavfi', '-i', 'testsrc=s=320x240:r=25:d=1.5', '-f', 'lavfi', '-i', 'sine=f=880:d=1.5', '-shortest', '-pix_fmt', 'yuv420p', voice]);
  for (let d = 0; d < 4; d++) {
    const wav = join(dir, `${d}.wav`);
    await ff(['-f', 'lavfi', '-i', `sine=f=${300 + 100 * d}:d=0.3:sample_rate=8000`, wav]);
    digitWavs.push(wav);
  }
  frame = await extractFrame({ clip, atSec: 1, out: join(dir, 'frame.png') });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a frame is taken from the clip at its size', async () => {
  const meta = await sharp(frame).metadata();
  assert.deepEqual([meta.width, meta.height], [320, 240]);
});

test('wrong digits: the face loops for the whole reading of the recorded digits', async () => {
  const out = await wrongDigits({ face: voice, digitWavs, out: join(dir, 'wrong.mp4') });
  await assertDecodes(out);
  const info = await probe(out);
  assert.ok(info.hasAudio);
  // 0.3 s lead-in + 4 x (0.3 s digit + 0.3 s pause): longer than the 1.5 s face clip.
  assert.ok(Math.abs(info.durationSec - 2.7) < 0.15, `duration ${info.durationSec}`);
});

test("dubbing: another clip's voice under the face, cut to the shorter one", async () => {
  const out = await dubbing({ face: clip, voice, out: join(dir, 'dub.mp4') });
  await assertDecodes(out);
  const info = await probe(out);
  assert.ok(info.hasAudio);
  assert.ok(info.durationSec < 1.7, `duration ${info.durationSec}`);
});

test('audio shift: the speech starts after the delay and the length stays the picture length', async () => {
  const out = await audioShift({ clip, seconds: 0.5, out: join(dir, 'shift.mp4') });
  await assertDecodes(out);
  const info = await probe(out);
  assert.ok(Math.abs(info.durationSec - 2) < 0.1, `duration ${info.durationSec}`);
  assert.ok((await maxVolumeDb(out, 0, 0.4)) < -60, 'the first 0.4 s should be silent');
  assert.ok((await maxVolumeDb(out, 0.7, 0.5)) > -20, 'the tone should be heard after the delay');
});

test('still photo: a frozen picture for the length of the speech', async () => {
  const out = await stillPhoto({ image: frame, audio: voice, out: join(dir, 'still.mp4') });
  await assertDecodes(out);
  const info = await probe(out);
  assert.ok(info.hasAudio);
  assert.ok(Math.abs(info.durationSec - 1.5) < 0.1, `duration ${info.durationSec}`);
  assert.ok(await hasFreeze(out));
});

test('warped photo: the same photo keeps moving for the length of the speech', async () => {
  const out = await warpedPhoto({ image: frame, audio: clip, out: join(dir, 'warped.mp4') });
  await assertDecodes(out);
  const info = await probe(out);
  assert.deepEqual([info.width, info.height, info.hasAudio], [320, 240, true]);
  assert.ok(Math.abs(info.durationSec - 2) < 0.1, `duration ${info.durationSec}`);
  assert.equal(await hasFreeze(out), false);
});

test('no audio: the copy has no sound stream at all', async () => {
  const out = await noAudio({ clip, out: join(dir, 'noaudio.mp4') });
  await assertDecodes(out);
  assert.equal((await probe(out)).hasAudio, false);
});

test('silent audio: the copy has a sound stream of digital silence', async () => {
  const out = await silentAudio({ clip, out: join(dir, 'silent.mp4') });
  await assertDecodes(out);
  const info = await probe(out);
  assert.ok(info.hasAudio);
  assert.ok(Math.abs(info.durationSec - 2) < 0.1, `duration ${info.durationSec}`);
  assert.ok((await maxVolumeDb(out, 0, 2)) < -80);
});

test('low resolution: a third of the size in each dimension', async () => {
  const out = await lowResolution({ clip, out: join(dir, 'lowres.mp4') });
  await assertDecodes(out);
  const info = await probe(out);
  assert.deepEqual([info.width, info.height, info.hasAudio], [106, 80, true]);
});

test('heavy re-encode: back at the original size, much smaller in bytes', async () => {
  const out = await heavyReencode({ clip, out: join(dir, 'reencode.mp4') });
  await assertDecodes(out);
  const info = await probe(out);
  assert.deepEqual([info.width, info.height, info.hasAudio], [320, 240, true]);
});

test('screen recapture: the picture sits inside a dark bezel', async () => {
  const out = await screenRecapture({ clip, out: join(dir, 'screen.mp4') });
  await assertDecodes(out);
  const info = await probe(out);
  assert.ok(info.hasAudio);
  const shot = await extractFrame({ clip: out, atSec: 1, out: join(dir, 'screen.png') });
  const { data, info: px } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number): number => data[(y * px.width + x) * px.channels];
  assert.ok(at(2, 2) < 40, `corner should be bezel-dark, got ${at(2, 2)}`);
  assert.ok(at(Math.floor(px.width / 2), Math.floor(px.height / 2)) > 40, 'centre should show the picture');
});

/** MD5 of the decoded picture stream: equal for equal frames, whatever the container says. */
async function pictureMd5(path: string): Promise<string> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-map', '0:v', '-f', 'md5', '-']);
  return stdout.trim();
}

test('simulated screen and phone replays: a 360x480 phone-camera video with the clip\'s sound, rebuilt exactly from its seed', async () => {
  for (const [name, make] of [['screen', screenReplay], ['phone', phoneReplay]] as const) {
    const out = await make({ clip: voice, out: join(dir, `${name}-replay.mp4`), seed: 7 });
    await assertDecodes(out);
    const info = await probe(out);
    assert.deepEqual([info.width, info.height, info.hasAudio], [360, 480, true], name);
    assert.ok(Math.abs(info.durationSec - 1.5) < 0.2, `${name}: ${info.durationSec} s`);
  }
  const first = await pictureMd5(join(dir, 'screen-replay.mp4'));
  const again = await screenReplay({ clip: voice, out: join(dir, 'screen-replay-again.mp4'), seed: 7 });
  assert.equal(await pictureMd5(again), first, 'same seed, same frames');
  const other = await screenReplay({ clip: voice, out: join(dir, 'screen-replay-other.mp4'), seed: 8 });
  assert.notEqual(await pictureMd5(other), first, 'another seed, another look');
});

test('simulated print: the still moves with the hand holding it while the voice plays', async () => {
  const out = await printedPhoto({ image: frame, audio: voice, out: join(dir, 'print.mp4'), seed: 3 });
  await assertDecodes(out);
  const info = await probe(out);
  assert.deepEqual([info.width, info.height, info.hasAudio], [360, 480, true]);
  assert.ok(Math.abs(info.durationSec - 1.5) < 0.2, `${info.durationSec} s`);
  assert.equal(await hasFreeze(out), false, 'a hand-held print is never perfectly still');
});

test('real spoof photos are found by label, annotated copies skipped, unknown ones reported', async () => {
  const sample = join(dir, 'spoof', 'silent_face', 'images', 'sample');
  await mkdir(sample, { recursive: true });
  // A sideways-stored photo, as the upstream samples are (EXIF orientation 6).
  await sharp({ create: { width: 40, height: 20, channels: 3, background: '#808080' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toFile(join(sample, 'image_F1.jpg'));
  await writeFile(join(sample, 'image_F1_result.jpg'), await sharp(join(sample, 'image_F1.jpg')).toBuffer());
  await writeFile(join(sample, 'other.jpg'), await sharp(join(sample, 'image_F1.jpg')).toBuffer());
  const scan = await findSpoofPhotos(join(dir, 'spoof'));
  assert.deepEqual(
    scan.photos.map((p) => [p.source, p.attack]),
    [['silent_face/images/sample/image_F1.jpg', 'real-print-photo']],
  );
  assert.deepEqual(scan.unlabelled, ['silent_face/images/sample/other.jpg']);
  const upright = await uprightPhoto(scan.photos[0].path, dir);
  const meta = await sharp(upright).metadata();
  assert.deepEqual([meta.width, meta.height], [20, 40]);
});

test('every attack type says which checks judge it, and genuine clips are never judged on digits', () => {
  assert.ok(!GENUINE_JUDGING.judgedBy.includes('digits'));
  assert.ok(ATTACKS['wrong-digits'].judgedBy.includes('digits'));
  assert.ok(!ATTACKS['wrong-digits'].judgedBy.includes('sync'));
  assert.ok(ATTACKS.dubbing.judgedBy.includes('sync') && ATTACKS.dubbing.judgedBy.includes('presentation'));
  for (const [type, j] of Object.entries(ATTACKS)) {
    assert.ok(j.judgedBy.length > 0, type);
    for (const e of j.excluded) assert.ok(!j.judgedBy.includes(e.check) && e.why.length > 0, type);
  }
});
