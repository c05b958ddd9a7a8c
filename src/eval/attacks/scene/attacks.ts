import sharp from 'sharp';
import { seededRandom } from '../../../core/seeded-random.js';
import { decodeFrames, probeVideo } from '../../../media/index.js';
import { AttackMediaError } from '../ffmpeg.js';
import { CAMERA, film, follow, sway, type Shot } from './film.js';
import { printSampler, screenSampler, type Rect, type ScreenLook } from './instruments.js';
import type { Pose, Sheet } from './raster.js';

/**
 * Simulated presentation attacks filmed by a phone camera, each drawn from a seed so that a
 * case can be rebuilt exactly:
 * - screen replay: the victim's video played on a tablet or monitor held close to the camera
 *   (the bezel in view or just outside it);
 * - phone replay: the video on a phone held in the frame by a hand, the room around it;
 * - print: a still of the victim printed on paper, held (flat or bent) and moved by hand, with
 *   the victim's recorded voice.
 * All are simulations: how close they come to real instruments is unknown (docs/evaluation.md).
 */

const between = (rng: () => number, lo: number, hi: number): number => lo + (hi - lo) * rng();
const deg = (d: number): number => (d * Math.PI) / 180;

/** Distance at which a sheet widthCm wide spans `fraction` of the camera's width. */
const distanceFor = (widthCm: number, fraction: number): number => (CAMERA.focal * widthCm) / (fraction * CAMERA.width);

function handHeld(rng: () => number, z: number, tiltDeg: number, shiftCm: number): (t: number) => Pose {
  const base = { yaw: deg(between(rng, -tiltDeg, tiltDeg)), pitch: deg(between(rng, -tiltDeg, tiltDeg)), roll: deg(between(rng, -4, 4)) };
  const [yaw, pitch, roll, x, y, dz] = [deg(2.5), deg(2.5), deg(1.5), shiftCm, shiftCm, 0.03 * z].map((a) => sway(rng, a));
  const offset = { x: between(rng, -0.06, 0.06) * z, y: between(rng, -0.06, 0.04) * z };
  return (t) => ({ yaw: base.yaw + yaw(t), pitch: base.pitch + pitch(t), roll: base.roll + roll(t), x: offset.x + x(t), y: offset.y + y(t), z: z + dz(t) });
}

function camera(rng: () => number): Pick<Shot, 'defocus' | 'noise' | 'crf' | 'shake'> {
  return { defocus: rng() < 0.4, noise: between(rng, 0.004, 0.015), crf: Math.round(between(rng, 18, 27)), shake: between(rng, 1, 6) };
}

async function clipFrames(clip: string): Promise<{ frames: ReturnType<typeof follow>; durationSec: number }> {
  const info = await probeVideo(clip, { minShortSide: 1, minLongSide: 1, maxDurationSec: 60, timeoutMs: 30_000 });
  if (!info.durationSec) throw new AttackMediaError(`${clip}: duration unknown`);
  const frames = decodeFrames(clip, info, { fps: 25, longSide: 1024, maxDurationSec: 60, timeoutMs: 300_000 });
  return { frames: follow(frames), durationSec: info.durationSec };
}

function screenLook(rng: () => number, panel: Rect, pixelsAcross: number, cornerRadius: number, fingers: Rect[]): ScreenLook {
  const warm = between(rng, -0.08, 0.08);
  return {
    panel,
    pixelsAcross,
    cornerRadius,
    bezel: between(rng, 0.03, 0.25),
    gamma: between(rng, 0.8, 1.35),
    blackLevel: between(rng, 0.02, 0.12),
    tint: [1 + warm, 1, 1 - warm + between(rng, 0, 0.08)],
    brightness: between(rng, 0.85, 1.25),
    glare: { u: between(rng, 0.1, 0.9), v: between(rng, 0.1, 0.9), radius: between(rng, 0.05, 0.3), strength: rng() < 0.3 ? 0 : between(rng, 0.05, 0.45) },
    banding: { depth: rng() < 0.5 ? 0 : between(rng, 0.02, 0.12), bands: between(rng, 0.5, 4) },
    fingers,
  };
}

/** Films the clip playing on a device posed by `pose` (drawn from rng before the camera is). */
async function filmReplay(clip: string, out: string, rng: () => number, sheet: Sheet, look: ScreenLook, pose: (t: number) => Pose): Promise<string> {
  const { frames, durationSec } = await clipFrames(clip);
  let now = 0;
  const shot: Shot = {
    sheet: () => sheet,
    pose,
    sampler: screenSampler(look, sheet.heightCm / sheet.widthCm, frames.current, () => now),
    advance: async (t) => {
      now = t;
      await frames.advance(t);
    },
    durationSec,
    ...camera(rng),
  };
  return film(shot, clip, out, rng);
}

/** The clip played on a tablet or monitor held close: the panel fills most of the picture. */
export async function screenReplay(opts: { clip: string; out: string; seed: number }): Promise<string> {
  const rng = seededRandom(opts.seed);
  const monitor = rng() < 0.4;
  const portrait = !monitor && rng() < 0.5;
  // Tablet 24.5 x 17 cm with a 1 cm bezel, 2048 px across; monitor 55 x 34 cm, 1.2 cm bezel, 2560 px.
  const [w, h, bezel, px] = monitor ? [55, 34, 1.2, 2560] : [24.5, 17, 1, 2048];
  const sheet: Sheet = portrait ? { widthCm: h, heightCm: w, bendCm: null } : { widthCm: w, heightCm: h, bendCm: null };
  const panel = { x0: bezel / sheet.widthCm, y0: bezel / sheet.heightCm, x1: 1 - bezel / sheet.widthCm, y1: 1 - bezel / sheet.heightCm };
  // From the whole device in view to the panel overfilling the frame (bezel out of view).
  const fraction = between(rng, 0.95, 1.7);
  const look = screenLook(rng, panel, portrait ? Math.round((px * h) / w) : px, monitor ? 0.005 : 0.04, []);
  return filmReplay(opts.clip, opts.out, rng, sheet, look, handHeld(rng, distanceFor(sheet.widthCm, fraction), 12, 0.6));
}

/** The clip played on a phone held up in the frame by a hand, the room around it. */
export async function phoneReplay(opts: { clip: string; out: string; seed: number }): Promise<string> {
  const rng = seededRandom(opts.seed);
  const sheet: Sheet = { widthCm: 7.2, heightCm: 15, bendCm: null };
  const panel = { x0: 0.045, y0: 0.035, x1: 0.955, y1: 0.965 };
  const fingers: Rect[] = [
    { x0: 0, x1: between(rng, 0.03, 0.09), y0: between(rng, 0.45, 0.6), y1: between(rng, 0.75, 0.95) },
    { x0: 1 - between(rng, 0.03, 0.09), x1: 1, y0: between(rng, 0.5, 0.7), y1: between(rng, 0.72, 0.9) },
  ];
  const look = screenLook(rng, panel, 1080, 0.12, fingers);
  return filmReplay(opts.clip, opts.out, rng, sheet, look, handHeld(rng, distanceFor(sheet.widthCm, between(rng, 0.6, 0.95)), 15, 0.4));
}

/** A still of the victim printed and held up, moved and bent by hand, with a recorded voice. */
export async function printedPhoto(opts: { image: string; audio: string; out: string; seed: number }): Promise<string> {
  const rng = seededRandom(opts.seed);
  const { data, info } = await sharp(opts.image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length), t: 0 };
  const audio = await probeVideo(opts.audio, { minShortSide: 1, minLongSide: 1, maxDurationSec: 60, timeoutMs: 30_000 });
  const sizes: Array<[number, number]> = [
    [10, 15],
    [14.8, 21],
    [21, 29.7],
  ];
  const [pw, ph] = sizes[Math.floor(rng() * sizes.length)];
  const margin = rng() < 0.3 ? 0 : between(rng, 0.3, 1.5);
  // The picture fitted into the paper inside the margin, centred.
  const fit = Math.min((pw - 2 * margin) / image.width, (ph - 2 * margin) / image.height);
  const iw = (image.width * fit) / pw;
  const ih = (image.height * fit) / ph;
  const look = {
    image: { x0: 0.5 - iw / 2, y0: 0.5 - ih / 2, x1: 0.5 + iw / 2, y1: 0.5 + ih / 2 },
    paper: [between(rng, 0.88, 0.98), between(rng, 0.87, 0.96), between(rng, 0.82, 0.94)] as [number, number, number],
    gamma: between(rng, 0.9, 1.3),
    dMin: between(rng, 0.03, 0.12),
    saturation: between(rng, 0.7, 1.05),
    grain: between(rng, 0.01, 0.05),
    grainCell: between(rng, 0.002, 0.006),
    ambient: between(rng, 0.35, 0.7),
    gloss: { u: between(rng, 0.2, 0.8), v: between(rng, 0.2, 0.8), radius: between(rng, 0.08, 0.3), strength: rng() < 0.5 ? 0 : between(rng, 0.05, 0.3) },
    fingers: rng() < 0.5 ? [] : [{ x0: between(rng, 0.1, 0.3), x1: between(rng, 0.35, 0.5), y0: 1 - between(rng, 0.04, 0.1), y1: 1 }],
  };
  const bend = rng() < 0.3 ? null : between(rng, 15, 60);
  const flex = sway(rng, 0.15);
  const duration = audio.durationSec ?? 3;
  const shot: Shot = {
    sheet: (t) => ({ widthCm: pw, heightCm: ph, bendCm: bend === null ? null : bend * (1 + flex(t)) }),
    pose: handHeld(rng, distanceFor(pw, between(rng, 0.7, 1.35)), 12, 0.5),
    sampler: printSampler(look, ph / pw, image, Math.floor(rng() * 1e9)),
    advance: async () => undefined,
    durationSec: duration,
    ...camera(rng),
  };
  return film(shot, opts.audio, opts.out, rng);
}
