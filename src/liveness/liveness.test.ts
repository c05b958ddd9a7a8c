import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveThresholds } from '../config/index.js';
import type { CheckName, VideoVerifyResult } from '../core/inference.js';
import { createFixtures, sharedData, SHARED_DATA_MISSING, writeBytes, type Fixtures } from '../media/fixtures.test-helper.js';
import { verifyVideo } from './index.js';

/**
 * The whole pipeline on generated videos (one Human instance for the file). Each case checks
 * the deciding code and that the checks after a failure still ran and reported.
 */
const th = resolveThresholds();
let f: Fixtures;
let speech: string;

before(() => {
  f = createFixtures('lc-liveness-');
  speech = f.speech('nine five three two, nine five three two');
});
after(() => f.cleanup());

const check = (r: VideoVerifyResult, name: CheckName) => {
  const c = r.checks.find((x) => x.name === name);
  assert.ok(c, `check ${name} reported`);
  return c;
};

function assertOrder(r: VideoVerifyResult): void {
  assert.deepEqual(
    r.checks.map((c) => c.name),
    ['video', 'audio', 'face', 'mouth', 'digits', 'sync', 'presentation'],
  );
}

const verify = (videoPath: string, digits = '9532') => verifyVideo({ videoPath, digits }, th);
const pattern = (size: string, sec = 3): string[] => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=10:duration=${sec}`];
const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'];

describe('liveness pipeline on generated videos', () => {
  it('answers -5001 for random bytes, and no later check pretends to have run', async () => {
    const r = await verify(writeBytes(f, 'random.mp4', randomBytes(100_000)));
    assert.equal(r.live.status, -5001);
    assertOrder(r);
    assert.equal(check(r, 'video').passed, false);
    for (const c of r.checks.slice(1)) assert.equal(c.passed, null, `${c.name} could not run`);
  });

  it('answers -5001 for a truncated upload', async () => {
    const whole = readFileSync(f.ffmpeg([...pattern('640x480'), '-i', speech, ...h264], 'whole.mp4'));
    const r = await verify(writeBytes(f, 'truncated.mp4', whole.subarray(0, Math.floor(whole.length * 0.6))));
    assert.equal(r.live.status, -5001);
  });

  it('answers -5001 for a 60-second video', async () => {
    const long = f.ffmpeg(['-f', 'lavfi', '-i', 'color=size=640x480:rate=2:duration=60', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast'], 'long.mp4');
    const r = await verify(long);
    assert.equal(r.live.status, -5001);
    assert.match(check(r, 'video').message, /limit is 30 s/);
  });

  it('answers -5015 for 320x240 and still runs the later checks', async () => {
    const r = await verify(f.ffmpeg([...pattern('320x240'), '-i', speech, ...h264], 'small.mp4'));
    assert.equal(r.live.status, -5015);
    assert.equal(check(r, 'audio').passed, true);
    assert.equal(check(r, 'face').passed, false, 'face check ran and found no face');
  });

  it('answers -5007 for a video without an audio stream', async () => {
    const r = await verify(f.ffmpeg([...pattern('640x480'), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'], 'mute.mp4'));
    assert.equal(r.live.status, -5007);
    assert.equal(check(r, 'face').passed, false, 'face check still ran');
  });

  it('answers -5007 for a silent audio track', async () => {
    const r = await verify(f.ffmpeg([...pattern('640x480'), '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', ...h264], 'silent.mp4'));
    assert.equal(r.live.status, -5007);
    assert.match(check(r, 'audio').message, /silent/);
  });

  it('answers -5013 for speech 45 dB below normal', async () => {
    const r = await verify(f.ffmpeg([...pattern('640x480'), '-i', speech, '-af', 'volume=-45dB', ...h264], 'quiet.mp4'));
    assert.equal(r.live.status, -5013);
  });

  it('answers -5012 for speech drowned in noise', async () => {
    const noisy = ['-f', 'lavfi', '-i', 'anoisesrc=a=0.3:c=white:d=3', '-filter_complex', '[1:a][2:a]amix=inputs=2:duration=first:normalize=0[a]', '-map', '0:v', '-map', '[a]'];
    const r = await verify(f.ffmpeg([...pattern('640x480'), '-i', speech, ...noisy, ...h264], 'noisy.mp4'));
    assert.equal(r.live.status, -5012);
  });

  it('answers -5009 when there is clear speech but no face', async () => {
    const r = await verify(f.ffmpeg([...pattern('640x480'), '-i', speech, ...h264], 'noface.mp4'));
    assert.equal(check(r, 'audio').passed, true);
    assert.equal(r.live.status, -5009);
    assert.equal(check(r, 'face').score, 0);
  });

  it('treats a portrait video stored as rotated landscape as portrait', async () => {
    const plain = f.ffmpeg([...pattern('640x360'), '-i', speech, ...h264], 'landscape.mp4');
    const rotated = f.ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90'], 'portrait.mp4');
    const r = await verify(rotated);
    const video = check(r, 'video');
    assert.equal(video.passed, true);
    assert.deepEqual([video.extra?.width, video.extra?.height], [360, 640]);
  });
});

describe('liveness pipeline on real faces (../shared/data)', () => {
  const data = sharedData();
  const skip = data ? false : SHARED_DATA_MISSING;

  it('fails a still photo with speech: lips still (-5010), lip-sync and presentation fail too', { skip }, async () => {
    const photo = join(data as string, 'faces', 'face_recognition', 'examples', 'obama-720p.jpg');
    const still = f.ffmpeg(['-loop', '1', '-i', photo, '-i', speech, '-t', '3', '-vf', 'scale=720:-2', ...h264], 'still.mp4');
    const r = await verify(still);
    assert.equal(check(r, 'face').passed, true);
    assert.equal(r.live.status, -5010);
    assert.equal(check(r, 'sync').passed, false);
    assert.equal(check(r, 'presentation').passed, false);
  });

  it('never answers live_status 0 unless the digits check passed, and returns the best frame as JPEG', { skip }, async () => {
    const clip = join(data as string, 'video', 'talking', 'retalking_3.mp4');
    const r = await verify(clip, '0000');
    const digits = check(r, 'digits');
    assert.notEqual(digits.passed, true, 'the clip does not say 0000');
    assert.notEqual(r.live.status, 0);
    assert.ok([-5008, -5011].includes(r.live.status), `digits decide (${r.live.msg})`);
    assert.equal(check(r, 'face').passed, true);
    assert.ok(r.photoJpeg && r.photoJpeg[0] === 0xff && r.photoJpeg[1] === 0xd8, 'photo is a JPEG');
  });

  it('compares the video with a card photo: same person scores higher than a stranger, a card without a face is -4017', { skip }, async () => {
    const clip = join(data as string, 'video', 'talking', 'retalking_3.mp4');
    const card = f.path('card.jpg');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', '2', '-i', clip, '-frames:v', '1', card]);
    const stranger = join(data as string, 'faces', 'face_recognition', 'examples', 'obama.jpg');
    const blank = f.ffmpeg(['-f', 'lavfi', '-i', 'color=size=400x400:color=gray', '-frames:v', '1'], 'blank.jpg');
    // The clip reads no digits, and the comparison runs only after a passed liveness check:
    // the digits check is opened so that this genuine clip passes, and so is the per-digit lip
    // check, which would otherwise judge the lips at digits the clip never says.
    const open = { ...th, digits: { ...th.digits, minMargin: -1e9, minMarginMandarin: -1e9 }, sync: { ...th.sync, minDigitShare: 0 } };
    const same = await verifyVideo({ videoPath: clip, digits: '1234', reference: { kind: 'image', data: readFileSync(card) } }, open);
    const other = await verifyVideo({ videoPath: clip, digits: '1234', reference: { kind: 'image', data: readFileSync(stranger) } }, open);
    const none = await verifyVideo({ videoPath: clip, digits: '1234', reference: { kind: 'image', data: readFileSync(blank) } }, open);
    assert.equal(same.live.status, 0, same.live.msg);
    assert.equal(same.compare?.status, 0);
    assert.equal(other.compare?.status, 0);
    assert.ok((same.compare?.sim ?? 0) > (other.compare?.sim ?? 100), `same ${same.compare?.sim} > stranger ${other.compare?.sim}`);
    assert.equal(none.compare?.status, -4017);
  });
});
