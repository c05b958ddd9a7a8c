import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { RgbFrame } from '../../../core/frames.js';
import { ffmpegPath } from '../../../media/binaries.js';
import { AttackMediaError, input, MP4_OUT } from '../ffmpeg.js';
import { drawSheet, picture, type Camera, type Picture, type Pose, type Sampler, type Sheet } from './raster.js';
import { blur, room } from './instruments.js';

/**
 * Films a posed sheet (an instrument) in a room with a hand-held camera: the sheet sways and
 * tilts slowly, the camera shakes a little, the optics blur, the sensor adds noise, and the
 * result is encoded as H.264 like a phone would, with a sound track from `audio`.
 */

export const FPS = 20;
/** Portrait 3:4 like a phone's front camera, at the size and rate the pipeline analyses (a larger picture only cost generation time). */
export const CAMERA: Camera = { width: 360, height: 480, focal: 387 };

/** Slow, non-repeating hand motion: a sum of two sines per axis with random phases. */
export function sway(rng: () => number, amplitude: number): (t: number) => number {
  const parts = [0, 1].map(() => ({ f: 0.15 + 0.9 * rng(), p: 2 * Math.PI * rng(), a: amplitude * (0.4 + 0.6 * rng()) }));
  return (t) => parts.reduce((s, q) => s + q.a * Math.sin(2 * Math.PI * q.f * t + q.p), 0);
}

export interface Shot {
  sheet: (t: number) => Sheet;
  pose: (t: number) => Pose;
  sampler: Sampler;
  /** Called with each frame's time before it is drawn (the instrument's picture follows it). */
  advance: (t: number) => Promise<void>;
  durationSec: number;
  /** The instrument out of focus (one more blur pass), sensor noise (sd, 0-1 scale), H.264 CRF. */
  defocus: boolean;
  noise: number;
  crf: number;
  /** Background shake in px. */
  shake: number;
}

/** Sensor grain: a table of triangular noise (sum of two uniforms) read from a random offset. */
function grainTable(rng: () => number): Float32Array {
  return Float32Array.from({ length: 1 << 16 }, () => (rng() + rng() - 1) * 1.7);
}

function toBytes(p: Picture, noise: number, grain: Float32Array, rng: () => number): Buffer {
  const out = Buffer.alloc(p.width * p.height * 3);
  let j = Math.floor(rng() * grain.length);
  const step = 1 + 2 * Math.floor(rng() * 1000);
  for (let i = 0; i < out.length; i++) {
    j = (j + step) & (grain.length - 1);
    out[i] = Math.max(0, Math.min(255, Math.round((p.data[i] + noise * grain[j]) * 255)));
  }
  return out;
}

export async function film(shot: Shot, audio: string, out: string, rng: () => number): Promise<string> {
  const margin = Math.ceil(shot.shake) + 2;
  const backdrop = room(CAMERA.width + 2 * margin, CAMERA.height + 2 * margin, rng);
  const shakeX = sway(rng, shot.shake);
  const shakeY = sway(rng, shot.shake);
  const grain = grainTable(rng);
  const child = spawn(
    ffmpegPath(),
    [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${CAMERA.width}x${CAMERA.height}`, '-r', String(FPS), '-i', 'pipe:0',
      ...input(audio), '-map', '0:v', '-map', '1:a?', '-t', shot.durationSec.toFixed(3),
      ...MP4_OUT, '-crf', String(shot.crf), out,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'close');
  child.stdin.on('error', () => undefined);
  try {
    const frames = Math.ceil(shot.durationSec * FPS);
    for (let i = 0; i < frames; i++) {
      const t = i / FPS;
      await shot.advance(t);
      const frame = picture(CAMERA.width, CAMERA.height);
      const ox = Math.round(margin + shakeX(t));
      const oy = Math.round(margin + shakeY(t));
      for (let y = 0; y < CAMERA.height; y++) {
        const from = ((y + oy) * backdrop.width + ox) * 3;
        frame.data.set(backdrop.data.subarray(from, from + CAMERA.width * 3), y * CAMERA.width * 3);
      }
      drawSheet(frame, shot.sheet(t), shot.pose(t), CAMERA, shot.sampler);
      const soft = blur(frame, 2);
      const bytes = toBytes(shot.defocus ? blur(soft, 1) : soft, shot.noise, grain, rng);
      if (!child.stdin.write(bytes)) await once(child.stdin, 'drain');
    }
    child.stdin.end();
    const [code] = (await exited) as [number | null];
    if (code !== 0) throw new AttackMediaError(`ffmpeg failed: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return out;
}

/** Walks a decoded clip in step with the film's clock: the frame shown at time t. */
export function follow(frames: AsyncGenerator<RgbFrame>): { current: () => RgbFrame; advance: (t: number) => Promise<void> } {
  let now: RgbFrame | null = null;
  let next: RgbFrame | null = null;
  let done = false;
  return {
    current: () => {
      if (!now) throw new AttackMediaError('the clip has no frames');
      return now;
    },
    advance: async (t) => {
      if (!now) {
        const first = await frames.next();
        if (first.done) throw new AttackMediaError('the clip has no frames');
        now = first.value;
      }
      while (!done) {
        if (!next) {
          const r = await frames.next();
          if (r.done) {
            done = true;
            break;
          }
          next = r.value;
        }
        if (next.t > t + 1e-6) break;
        now = next;
        next = null;
      }
    },
  };
}
