import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import type { Fixtures } from '../media/fixtures.test-helper.js';

/** Debian's chromium (.ci/run installs it); LIVECHECK_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.LIVECHECK_CHROMIUM ?? '/usr/bin/chromium';

/** A camera and a microphone for Chromium's fake capture devices. */
export interface FakeMedia {
  video: string;
  audio: string;
}

/**
 * Launches headless Chromium with no network beyond what the page asks for and, when `media`
 * is given, fake capture devices that play those files. Camera permission is granted per
 * browser context (grantPermissions), not by --use-fake-ui-for-media-stream, so a test can
 * also see a denial.
 */
export function launchChromium(media: FakeMedia | null): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set LIVECHECK_CHROMIUM)`);
  const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  if (media) {
    args.push('--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${media.video}`, `--use-file-for-fake-audio-capture=${media.audio}`);
  }
  // playwright-core starts it with a fresh, empty profile directory of its own.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/**
 * The fake camera and microphone from a clip: MJPEG at 640x640 (Chromium reads .mjpeg) and
 * 48 kHz 16-bit wav padded with silence to outlast any recording (Chromium loops the file).
 */
export function fakeMediaFromClip(f: Fixtures, clip: string, name: string): FakeMedia {
  const video = f.ffmpeg(['-i', clip, '-an', '-vf', 'scale=640:640:force_original_aspect_ratio=increase,crop=640:640,fps=30', '-q:v', '5', '-f', 'mjpeg'], `${name}.mjpeg`);
  const audio = f.ffmpeg(['-i', clip, '-vn', '-ac', '1', '-ar', '48000', '-af', 'apad=whole_dur=90', '-c:a', 'pcm_s16le'], `${name}.wav`);
  return { video, audio };
}

/**
 * Needs no shared data: a moving test pattern (no face) and espeak-ng reading four digits
 * (not the challenge's) every three seconds, so any recording holds speech.
 */
export function generatedFakeMedia(f: Fixtures): FakeMedia {
  const video = f.ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x640:rate=30:duration=10', '-q:v', '5', '-f', 'mjpeg'], 'pattern.mjpeg');
  const speech = f.speech('three, one, four, one', 'digits-16k.wav');
  const spaced = f.ffmpeg(['-i', speech, '-af', 'apad=pad_dur=1'], 'digits-spaced.wav');
  const audio = f.ffmpeg(['-stream_loop', '30', '-i', spaced, '-ac', '1', '-ar', '48000', '-t', '90', '-c:a', 'pcm_s16le'], 'digits.wav');
  return { video, audio };
}

/**
 * Microphones for the recording-length test: espeak-ng reading digits on and on without a
 * sentence break (a reader still going when the time is up), and a quiet room (noise at about
 * -60 dBFS, no voice).
 */
export function talkingAndQuietAudio(f: Fixtures): { talking: string; quiet: string } {
  const speech = f.speech(Array.from({ length: 6 }, () => 'seven two nine four one eight three six five zero').join(' '), 'talking-16k.wav');
  const talking = f.ffmpeg(['-stream_loop', '10', '-i', speech, '-ac', '1', '-ar', '48000', '-t', '90', '-c:a', 'pcm_s16le'], 'talking.wav');
  const quiet = f.ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.001:sample_rate=48000:duration=90', '-ac', '1', '-c:a', 'pcm_s16le'], 'quiet.wav');
  return { talking, quiet };
}

/** A camera delivering 5 frames per second (Chromium plays a .y4m at the rate in its header). */
export function slowCameraMedia(f: Fixtures, audio: string): FakeMedia {
  const video = f.ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=480x480:rate=5:duration=4', '-pix_fmt', 'yuv420p'], 'slow.y4m');
  return { video, audio };
}

/** The heading of the element's current screen. */
export async function heading(page: Page): Promise<string> {
  return (await page.locator('livecheck-capture h1').textContent()) ?? '';
}

export async function waitForHeading(page: Page, text: string, timeoutMs = 30_000): Promise<void> {
  await page.locator('livecheck-capture h1', { hasText: text }).waitFor({ timeout: timeoutMs });
}

/** The label of the control that has the keyboard focus inside the element. */
export function focusedControl(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('livecheck-capture')?.shadowRoot?.activeElement?.textContent ?? null);
}

/**
 * With LIVECHECK_CAPTURE_SCREENSHOTS=DIR a screenshot of the page, palette-quantised so the
 * PNGs stay small enough for docs/. Without it, nothing is written.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.LIVECHECK_CAPTURE_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const png = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  writeFileSync(join(dir, `${name}.png`), await sharp(png).png({ palette: true, colors: 64, compressionLevel: 9, effort: 10 }).toBuffer());
}
