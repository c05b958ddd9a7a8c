import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decodeAudio, decodeFrames, decodeMedia, frameSize, MediaError, probeVideo, SAMPLE_RATE, startMediaDecode, type ProbeLimits } from './index.js';
import { createFixtures, writeBytes, type Fixtures } from './fixtures.test-helper.js';

const LIMITS: ProbeLimits = { minShortSide: 270, minLongSide: 480, maxDurationSec: 30, timeoutMs: 10_000 };
const DECODE = { fps: 10, longSide: 480, maxDurationSec: 30, timeoutMs: 20_000 };

let f: Fixtures;
before(() => {
  f = createFixtures();
});
after(() => f.cleanup());

const testsrc = (size: string, sec = 1): string[] => ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=15:duration=${sec}`];
const tone = (sec = 1): string[] => ['-f', 'lavfi', '-i', `sine=frequency=300:duration=${sec}`];

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof MediaError && e.errorName === name);
}

async function countFrames(path: string): Promise<{ n: number; width: number; height: number }> {
  const info = await probeVideo(path, LIMITS);
  let n = 0;
  let width = 0;
  let height = 0;
  for await (const frame of decodeFrames(path, info, DECODE)) {
    n++;
    ({ width, height } = frame);
    assert.equal(frame.data.length, width * height * 3);
  }
  return { n, width, height };
}

describe('media: probe and decode', () => {
  const containers: Array<[string, string, string[]]> = [
    ['mp4 (H.264/AAC)', 'c.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac']],
    ['mov (H.264/AAC)', 'c.mov', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac']],
    ['webm (VP8/Opus, as MediaRecorder writes)', 'vp8.webm', ['-c:v', 'libvpx', '-c:a', 'libopus', '-ar', '48000']],
    ['webm (VP9/Opus)', 'vp9.webm', ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus', '-ar', '48000']],
    ['webm without a duration (VP8/Opus, live-written like MediaRecorder)', 'live.webm', ['-c:v', 'libvpx', '-c:a', 'libopus', '-ar', '48000', '-live', '1', '-f', 'webm']],
    ['fragmented mp4 (H.264/AAC, as Safari records)', 'frag-aac.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', 'frag_keyframe+empty_moov+default_base_moof']],
    ['fragmented mp4 (H.264/Opus, as Safari records)', 'frag-opus.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'libopus', '-ar', '48000', '-movflags', 'frag_keyframe+empty_moov+default_base_moof']],
    ['flv', 'c.flv', ['-c:v', 'flv', '-c:a', 'aac', '-ar', '44100']],
    ['avi', 'c.avi', ['-c:v', 'mpeg4', '-c:a', 'mp3']],
    ['3gp (H.263/AAC)', 'c.3gp', ['-s', '704x576', '-c:v', 'h263', '-c:a', 'aac', '-ar', '16000', '-ac', '1']],
  ];
  for (const [label, name, codec] of containers) {
    it(`decodes ${label}: frames at the analysis rate and 16 kHz audio`, async () => {
      const path = f.ffmpeg([...testsrc('640x480'), ...tone(), ...codec, '-shortest'], name);
      const info = await probeVideo(path, LIMITS);
      assert.ok(info.audioCodec, 'audio stream found');
      assert.equal(info.resolutionOk, true);
      const { n } = await countFrames(path);
      assert.ok(n >= 8 && n <= 11, `about 10 frames for 1 s at 10 fps, got ${n}`);
      const pcm = await decodeAudio(path, DECODE);
      assert.ok(Math.abs(pcm.length / SAMPLE_RATE - 1) < 0.15, `about 1 s of audio, got ${pcm.length / SAMPLE_RATE}`);
      assert.ok(pcm.some((v) => Math.abs(v) > 0.1), 'the tone is audible');
    });
  }

  it('reports a missing audio stream without failing the probe (the audio check answers -5007)', async () => {
    const info = await probeVideo(f.ffmpeg([...testsrc('640x480'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p'], 'mute.mp4'), LIMITS);
    assert.equal(info.audioCodec, null);
  });

  it('flags a video below 270x480 in both orientations, and accepts either orientation at the minimum', async () => {
    const small = await probeVideo(f.ffmpeg([...testsrc('320x240'), ...tone(), '-shortest'], 'small.mp4'), LIMITS);
    assert.equal(small.resolutionOk, false);
    const portrait = await probeVideo(f.ffmpeg([...testsrc('270x480'), ...tone(), '-shortest', '-pix_fmt', 'yuv444p'], 'min-portrait.mp4'), LIMITS);
    assert.equal(portrait.resolutionOk, true);
    const landscape = await probeVideo(f.ffmpeg([...testsrc('480x270'), ...tone(), '-shortest', '-pix_fmt', 'yuv444p'], 'min-landscape.mp4'), LIMITS);
    assert.equal(landscape.resolutionOk, true);
  });

  it('honours rotation metadata: a 640x360 stream rotated 90 degrees is a 360x640 portrait video, decoded upright', async () => {
    const plain = f.ffmpeg([...testsrc('640x360'), ...tone(), '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'], 'plain.mp4');
    const rotated = f.ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90'], 'rotated.mp4');
    const info = await probeVideo(rotated, LIMITS);
    assert.equal(Math.abs(info.rotation), 90);
    assert.deepEqual([info.width, info.height], [360, 640]);
    const frames = await countFrames(rotated);
    assert.ok(frames.height > frames.width, `portrait frames, got ${frames.width}x${frames.height}`);
    assert.equal(Math.max(frames.width, frames.height), 480, 'long side scaled to 480');
  });

  it('scales frames down to the long side without changing the aspect ratio', async () => {
    const { width, height } = await countFrames(f.ffmpeg([...testsrc('1280x720'), ...tone(), '-shortest'], 'hd.mp4'));
    assert.deepEqual([width, height], [480, 270]);
  });

  it('refuses random bytes, a truncated video, a still image and a text file as invalid (-5001)', async () => {
    await rejectsWith(probeVideo(writeBytes(f, 'random.mp4', randomBytes(50_000)), LIMITS), 'VIDEO_INVALID');
    const whole = readFileSync(f.ffmpeg([...testsrc('640x480', 2), ...tone(2), '-shortest'], 'whole.mp4'));
    await rejectsWith(probeVideo(writeBytes(f, 'truncated.mp4', whole.subarray(0, whole.length / 2)), LIMITS), 'VIDEO_INVALID');
    await rejectsWith(probeVideo(f.ffmpeg([...testsrc('640x480'), '-frames:v', '1'], 'still.jpg'), LIMITS), 'VIDEO_INVALID');
    await rejectsWith(probeVideo(writeBytes(f, 'notes.txt', new TextEncoder().encode('hello\n'.repeat(100))), LIMITS), 'VIDEO_INVALID');
    await rejectsWith(probeVideo(f.path('does-not-exist.mp4'), LIMITS), 'VIDEO_INVALID');
  });

  it('refuses a 60-second video as too long (-5001)', async () => {
    const long = f.ffmpeg(['-f', 'lavfi', '-i', 'color=size=640x480:rate=2:duration=60', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast'], 'long.mp4');
    await assert.rejects(probeVideo(long, LIMITS), (e: unknown) => e instanceof MediaError && e.errorName === 'VIDEO_INVALID' && /limit is 30 s/.test(e.message));
  });

  it('refuses a video over 8192x4320 pixels (-5001), in the probe and in the decoder itself', async () => {
    const huge = f.ffmpeg(['-f', 'lavfi', '-i', 'color=size=8208x4336:rate=2:duration=1', ...tone(1), '-shortest', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '51'], 'huge.mp4');
    await assert.rejects(probeVideo(huge, LIMITS), (e: unknown) => e instanceof MediaError && e.errorName === 'VIDEO_INVALID' && /8208x4336, more pixels than 8192x4320/.test(e.message));
    // A container may claim a small picture and carry a large one: the decoder's own limit holds.
    const claimed = { ...(await probeVideo(f.ffmpeg([...testsrc('640x480'), ...tone(1), '-shortest'], 'small.mp4'), LIMITS)) };
    await rejectsWith((async () => {
      for await (const frame of decodeFrames(huge, claimed, DECODE)) assert.ok(frame);
    })(), 'VIDEO_INVALID');
  });

  it('stops a decode that exceeds its time limit (-5001)', async () => {
    const path = f.ffmpeg([...testsrc('640x480', 3), ...tone(3), '-shortest'], 'slow.mp4');
    const info = await probeVideo(path, LIMITS);
    const frames = decodeFrames(path, info, { ...DECODE, timeoutMs: 1 });
    await rejectsWith((async () => {
      for await (const frame of frames) assert.ok(frame);
    })(), 'VIDEO_INVALID');
  });

  it('decodes frames and audio in one process, the same as the separate decoders', async () => {
    const path = f.ffmpeg([...testsrc('640x480', 2), ...tone(2), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'], 'av.mp4');
    const info = await probeVideo(path, LIMITS);
    const media = decodeMedia(path, info, { ...DECODE, audio: true });
    const times: number[] = [];
    for await (const frame of media.frames) times.push(frame.t);
    const pcm = await media.audio;
    assert.ok(pcm, 'audio decoded');
    assert.equal(times.length, (await countFrames(path)).n);
    assert.deepEqual(times.slice(0, 3), [0, 0.1, 0.2]);
    assert.equal(pcm.length, (await decodeAudio(path, DECODE)).length);
  });

  it('decodes a time range of frames, and the whole audio even when the frames are abandoned early', async () => {
    const path = f.ffmpeg([...testsrc('640x480', 3), ...tone(3), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'], 'range.mp4');
    const info = await probeVideo(path, LIMITS);
    const tail: number[] = [];
    for await (const frame of decodeFrames(path, info, { ...DECODE, fromSec: 2 })) tail.push(frame.t);
    assert.ok(tail.length >= 9 && tail.length <= 11, `about 10 frames after 2 s, got ${tail.length}`);
    assert.equal(tail[0], 2);
    const head = decodeMedia(path, info, { ...DECODE, audio: true });
    let n = 0;
    for await (const frame of head.frames) {
      assert.ok(frame.t < 1);
      if (++n === 3) break;
    }
    const pcm = await head.audio;
    assert.ok(pcm && Math.abs(pcm.length / SAMPLE_RATE - 3) < 0.15, `all 3 s of audio, got ${(pcm?.length ?? 0) / SAMPLE_RATE}`);
  });

  it('starts decoding before the probe and cuts the frames at the size the probe gives, odd and rotated sizes too', async () => {
    const odd = f.ffmpeg([...testsrc('1001x561', 1), ...tone(1), '-c:v', 'libx264', '-pix_fmt', 'yuv444p', '-c:a', 'aac', '-shortest'], 'odd.mp4');
    const rotated = f.ffmpeg(['-i', odd, '-c', 'copy', '-metadata:s:v:0', 'rotate=90'], 'odd-rotated.mp4');
    for (const path of [odd, rotated]) {
      const pending = startMediaDecode(path, { ...DECODE, audio: true });
      const info = await probeVideo(path, LIMITS);
      const size = frameSize(info, DECODE.longSide);
      const early: Uint8Array[] = [];
      for await (const frame of pending.frames(size)) early.push(frame.data);
      const late: Uint8Array[] = [];
      for await (const frame of decodeFrames(path, info, DECODE)) late.push(frame.data);
      assert.ok(early.length >= 9, `${path}: ${early.length} frames`);
      assert.equal(early.length, late.length);
      assert.ok(early.every((d, i) => Buffer.compare(d, late[i]) === 0), `${path}: the same pixels at ${size.width}x${size.height}`);
      assert.ok((await pending.audio)?.length, 'audio decoded alongside');
    }
  });

  it('a decode started before the probe is stopped when the upload is refused', async () => {
    const junk = writeBytes(f, 'junk-early.mp4', randomBytes(5000));
    const pending = startMediaDecode(junk, { ...DECODE, audio: true });
    await rejectsWith(probeVideo(junk, LIMITS), 'VIDEO_INVALID');
    pending.cancel();
    await assert.rejects(pending.audio);
  });

  it('refuses a playlist that points at the network (-5001)', async () => {
    const playlist = writeBytes(f, 'remote.m3u8', new TextEncoder().encode('#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n'));
    await rejectsWith(probeVideo(playlist, LIMITS), 'VIDEO_INVALID');
  });
});
