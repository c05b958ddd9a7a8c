import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { createFixtures, type Fixtures } from './fixtures.test-helper.js';

/**
 * The npm fallback ffmpeg (a static build of 2018, used where no system ffmpeg exists) must
 * describe uploads as the system ffprobe does: this file runs in its own process, so the
 * binary can be chosen before the media module first resolves it.
 */
const fallback = ((): string | null => {
  try {
    const path = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
})();
if (fallback) process.env.LIVECHECK_FFMPEG = fallback;
const media = await import('./index.js');

const LIMITS = { minShortSide: 270, minLongSide: 480, maxDurationSec: 30, timeoutMs: 10_000 };
const DECODE = { fps: 10, longSide: 480, maxDurationSec: 30, timeoutMs: 20_000 };

let f: Fixtures;
before(() => {
  f = createFixtures('lc-dump-fallback-');
});
after(() => f.cleanup());

describe('media: the npm fallback ffmpeg describes uploads as ffprobe does', { skip: fallback ? false : '@ffmpeg-installer/ffmpeg is not installed' }, () => {
  it('mp4 with and without audio, rotated, webm, and refuses text', async () => {
    assert.equal(media.ffmpegPath(), fallback);
    const src = ['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=15:duration=1'];
    const tone = ['-f', 'lavfi', '-i', 'sine=frequency=300:duration=1'];
    const plain = f.ffmpeg([...src, ...tone, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'], 'plain.mp4');
    const uploads = [
      plain,
      f.ffmpeg([...src, '-c:v', 'libx264', '-pix_fmt', 'yuv420p'], 'mute.mp4'),
      f.ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90'], 'rotated.mp4'),
      f.ffmpeg([...src, ...tone, '-c:v', 'libvpx', '-c:a', 'libopus', '-ar', '48000', '-shortest'], 'vp8.webm'),
    ];
    for (const path of uploads) {
      const pending = media.startMediaDecode(path, { ...DECODE, audio: true });
      const described = await pending.probe(LIMITS).finally(() => pending.cancel());
      await pending.audio.catch(() => undefined);
      const probed = await media.probeVideo(path, LIMITS);
      assert.deepEqual({ ...described, fps: Math.round(described.fps ?? 0), durationSec: Math.round(described.durationSec ?? 0) }, { ...probed, fps: Math.round(probed.fps ?? 0), durationSec: Math.round(probed.durationSec ?? 0) }, path);
    }
    const text = f.path('notes.txt');
    (await import('node:fs')).writeFileSync(text, 'hello\n'.repeat(100));
    const pending = media.startMediaDecode(text, { ...DECODE, audio: true });
    await assert.rejects(pending.probe(LIMITS), (e: unknown) => e instanceof media.MediaError && e.errorName === 'VIDEO_INVALID');
    await pending.audio.catch(() => undefined);
  });
});
