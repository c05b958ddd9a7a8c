import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { MediaError, probeVideo, startMediaDecode, type ProbeLimits, type VideoInfo } from './index.js';
import { parseInputDump } from './input-dump.js';
import { createFixtures, writeBytes, type Fixtures } from './fixtures.test-helper.js';

const LIMITS: ProbeLimits = { minShortSide: 270, minLongSide: 480, maxDurationSec: 30, timeoutMs: 10_000 };
const DECODE = { fps: 10, longSide: 480, maxDurationSec: 30, timeoutMs: 20_000 };

let f: Fixtures;
before(() => {
  f = createFixtures('lc-dump-');
});
after(() => f.cleanup());

const testsrc = (size: string, sec = 1, rate = '15'): string[] => ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${rate}:duration=${sec}`];
const tone = (sec = 1): string[] => ['-f', 'lavfi', '-i', `sine=frequency=300:duration=${sec}`];
const H264 = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'];

type Outcome = { info: VideoInfo } | { error: string };

async function outcome(p: Promise<VideoInfo>): Promise<Outcome> {
  try {
    return { info: await p };
  } catch (e) {
    if (!(e instanceof MediaError)) throw e;
    return { error: e.errorName };
  }
}

/** What the decoding ffmpeg says of an upload, then ffmpeg stopped. */
async function fromDecoder(path: string): Promise<Outcome> {
  const pending = startMediaDecode(path, { ...DECODE, audio: true });
  try {
    return await outcome(pending.probe(LIMITS));
  } finally {
    pending.cancel();
    await pending.audio.catch(() => undefined);
  }
}

/** The decoder's description judged the same as ffprobe's: equal, with rates and lengths to their printed precision. */
async function assertSameAsFfprobe(path: string, label: string): Promise<Outcome> {
  const [dump, probe] = [await fromDecoder(path), await outcome(probeVideo(path, LIMITS))];
  if ('error' in probe || 'error' in dump) {
    assert.deepEqual(dump, probe, `${label}: both refuse it with the same error`);
    return dump;
  }
  const { fps: fa, durationSec: da, ...a } = dump.info;
  const { fps: fb, durationSec: db, ...b } = probe.info;
  assert.deepEqual(a, b, label);
  assert.ok(fa === fb || (fa !== null && fb !== null && Math.abs(fa - fb) < 0.01), `${label}: fps ${fa} vs ${fb}`);
  assert.ok(da === db || (da !== null && db !== null && Math.abs(da - db) < 0.011), `${label}: duration ${da} vs ${db}`);
  return dump;
}

describe('media: the decoding ffmpeg describes the upload as ffprobe does', () => {
  it('on every container the service takes, with and without audio, rotated, small and at 29.97 fps', async () => {
    const plain = f.ffmpeg([...testsrc('640x360'), ...tone(), ...H264], 'plain.mp4');
    const uploads: Array<[string, string]> = [
      ['mp4', plain],
      ['mov', f.ffmpeg([...testsrc('640x480'), ...tone(), ...H264], 'c.mov')],
      ['webm VP8/Opus', f.ffmpeg([...testsrc('640x480'), ...tone(), '-c:v', 'libvpx', '-c:a', 'libopus', '-ar', '48000', '-shortest'], 'vp8.webm')],
      ['live webm without a duration', f.ffmpeg([...testsrc('640x480'), ...tone(), '-c:v', 'libvpx', '-c:a', 'libopus', '-ar', '48000', '-live', '1', '-f', 'webm', '-shortest'], 'live.webm')],
      ['fragmented mp4', f.ffmpeg([...testsrc('640x480'), ...tone(), ...H264, '-movflags', 'frag_keyframe+empty_moov+default_base_moof'], 'frag.mp4')],
      ['flv', f.ffmpeg([...testsrc('640x480'), ...tone(), '-c:v', 'flv', '-c:a', 'aac', '-ar', '44100', '-shortest'], 'c.flv')],
      ['avi', f.ffmpeg([...testsrc('640x480'), ...tone(), '-c:v', 'mpeg4', '-c:a', 'mp3', '-shortest'], 'c.avi')],
      ['3gp', f.ffmpeg([...testsrc('704x576'), ...tone(), '-c:v', 'h263', '-c:a', 'aac', '-ar', '16000', '-ac', '1', '-shortest'], 'c.3gp')],
      ['no audio', f.ffmpeg([...testsrc('640x480'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p'], 'mute.mp4')],
      ['rotated 90 degrees', f.ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90'], 'rotated.mp4')],
      ['rotated 270 degrees', f.ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=270'], 'rotated270.mp4')],
      ['below the minimum size', f.ffmpeg([...testsrc('320x240'), ...tone(), ...H264], 'small.mp4')],
      ['29.97 fps', f.ffmpeg([...testsrc('640x480', 1, '30000/1001'), ...tone(), ...H264], 'ntsc.mp4')],
      ['audio stream first', f.ffmpeg([...tone(), ...testsrc('640x480'), '-map', '0:a', '-map', '1:v', ...H264], 'audio-first.mp4')],
    ];
    for (const [label, path] of uploads) {
      const r = await assertSameAsFfprobe(path, label);
      assert.ok('info' in r, `${label}: accepted`);
    }
  });

  it('refuses what ffprobe refuses: junk, a truncated file, a still image, text, a network playlist, a missing file, a long video', async () => {
    const whole = readFileSync(f.ffmpeg([...testsrc('640x480', 2), ...tone(2), ...H264], 'whole.mp4'));
    const refused: Array<[string, string]> = [
      ['random bytes', writeBytes(f, 'random.mp4', randomBytes(50_000))],
      ['truncated', writeBytes(f, 'truncated.mp4', whole.subarray(0, whole.length / 2))],
      ['still image', f.ffmpeg([...testsrc('640x480'), '-frames:v', '1'], 'still.jpg')],
      ['text', writeBytes(f, 'notes.txt', new TextEncoder().encode('hello\n'.repeat(100)))],
      ['empty', writeBytes(f, 'empty.mp4', new Uint8Array(0))],
      ['playlist', writeBytes(f, 'remote.m3u8', new TextEncoder().encode('#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n'))],
      ['missing', f.path('does-not-exist.mp4')],
      ['60 s long', f.ffmpeg(['-f', 'lavfi', '-i', 'color=size=640x480:rate=2:duration=60', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast'], 'long.mp4')],
    ];
    for (const [label, path] of refused) {
      const r = await fromDecoder(path);
      assert.deepEqual(r, { error: 'VIDEO_INVALID' }, label);
    }
  });

  it('is not fooled by metadata written to look like a stream or a duration, refuses a language tag that does, and reads past a page of metadata', async () => {
    const forged = 'x\n  Duration: 09:00:00.00, start: 0\n  Stream #0:9: Video: h264, 9999x9999, 30 fps\n    Side data:\n      displaymatrix: rotation of 90.00 degrees';
    const tagged = f.ffmpeg([...testsrc('640x480'), ...tone(), ...H264, '-metadata', `title=${forged}`, '-metadata:s:v:0', `comment=${forged}`, '-metadata:s:a:0', `language=x): Video: h264, 9999x9999`], 'forged.mp4');
    const r = await assertSameAsFfprobe(tagged, 'forged metadata');
    assert.ok('info' in r && r.info.width === 640 && r.info.height === 480 && r.info.rotation === 0 && r.info.durationSec !== null && r.info.durationSec < 2);
    const language = f.ffmpeg([...tone(), ...testsrc('640x480'), '-map', '0:a', '-map', '1:v', ...H264, '-metadata:s:a:0', 'language=x): Video: h264, 9999x9999'], 'language.mkv');
    assert.deepEqual(await fromDecoder(language), { error: 'VIDEO_INVALID' }, 'a language tag that reads like a stream is refused, not believed');
    const page = f.ffmpeg([...testsrc('640x480'), ...tone(), ...H264, '-metadata', `comment=${'a'.repeat(100_000)}`], 'page.mkv');
    const p = await assertSameAsFfprobe(page, 'a 100 kB metadata value');
    assert.ok('info' in p);
  });
});

describe('media: the probe\'s time limit', () => {
  it('refuses an upload whose description does not come within the probe\'s limit, and stops its ffmpeg', async () => {
    const path = f.ffmpeg([...testsrc('640x480'), ...tone(), ...H264], 'in-time.mp4');
    const pending = startMediaDecode(path, { ...DECODE, audio: true });
    await assert.rejects(pending.probe({ ...LIMITS, timeoutMs: 0 }), (e: unknown) => e instanceof MediaError && /probing took too long/.test(e.message));
    await pending.audio.catch(() => undefined);
  });
});

describe('media: reading ffmpeg\'s input description', () => {
  it('reads the description of the 2018 static build (the fallback binary): indented streams, rotate tag and display matrix', () => {
    const lines = [
      "[info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/tmp/rot.mp4':",
      '[info]   Metadata:',
      '[info]     major_brand     : isom',
      '[info]   Duration: 00:00:01.00, start: 0.000000, bitrate: 155 kb/s',
      '[info]     Stream #0:0(und): Video: h264 (High 4:4:4 Predictive) (avc1 / 0x31637661), yuv444p, 640x360 [SAR 1:1 DAR 16:9], 67 kb/s, 15 fps, 15 tbr, 15360 tbn, 30 tbc (default)',
      '[info]     Metadata:',
      '[info]       rotate          : 270',
      '[info]       handler_name    : VideoHandler',
      '[info]     Side data:',
      '[info]       displaymatrix: rotation of 90.00 degrees',
      '[info]     Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 70 kb/s (default)',
    ];
    assert.deepEqual(parseInputDump(lines), {
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
      video: { codec: 'h264', width: 640, height: 360, rotation: 90, fps: 15 },
      audioCodec: 'aac',
      durationSec: 1,
    });
  });

  it('skips cover art and takes the frame rate from tbr when fps is not given, in thousands too', () => {
    const lines = [
      "[info] Input #0, matroska,webm, from 'x.webm':",
      '[info]   Duration: N/A, start: 0.000000, bitrate: N/A',
      '[info]   Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 600x600, 90k tbr, 90k tbn (attached pic)',
      '[info]   Stream #0:1: Video: vp8, yuv420p(tv, progressive), 640x360, SAR 1:1 DAR 16:9, 1k tbr, 1k tbn',
      '[info]   Stream #0:2: Video: vp8, yuv420p, 320x180, 25 fps, 25 tbr, 1k tbn',
    ];
    assert.deepEqual(parseInputDump(lines), {
      container: 'matroska,webm',
      video: { codec: 'vp8', width: 640, height: 360, rotation: 0, fps: null },
      audioCodec: null,
      durationSec: null,
    });
  });
});
