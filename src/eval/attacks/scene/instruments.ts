import type { RgbFrame } from '../../../core/frames.js';
import { bilinear, picture, type Picture, type Sampler } from './raster.js';

/**
 * What the simulated attack instruments look like on their own surface: a display (subpixel
 * grid, its gamma and black level, a bezel, glare and refresh banding) and a print (ink on
 * paper: lower contrast and saturation, paper grain, a white margin, gloss). Texture
 * coordinates (u, v) run over the whole device or sheet. Everything that does not change
 * during a shot is baked into a texture once, so a frame costs a lookup per pixel.
 */

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A highlight on the surface: a soft spot of light reflected by glass or glossy paper. */
export interface Spot {
  u: number;
  v: number;
  radius: number;
  strength: number;
}

export interface ScreenLook {
  /** Where the lit panel is on the device, in texture coordinates. */
  panel: Rect;
  /** Display pixels across the panel. */
  pixelsAcross: number;
  /** Device corner radius as a fraction of its width (0 for a monitor). */
  cornerRadius: number;
  /** Bezel colour (0-1 grey). */
  bezel: number;
  /** Exponent applied to the picture (display gamma against the camera's). */
  gamma: number;
  /** Light the panel gives off for black (backlight bleed plus reflections). */
  blackLevel: number;
  /** Colour cast of the panel as the camera white-balances it. */
  tint: [number, number, number];
  /** Brightness of the panel's white relative to the room. */
  brightness: number;
  glare: Spot;
  /** Rolling refresh band: depth 0-1, bands over the panel height. */
  banding: { depth: number; bands: number };
  /** Skin-coloured fingers over the device's edges (a hand holding it). */
  fingers: Rect[];
}

export interface PrintLook {
  /** Where the printed picture is on the sheet; the rest is paper margin. */
  image: Rect;
  paper: [number, number, number];
  /** Ink contrast and density: out = paper * (dMin + (1 - dMin) * in^gamma). */
  gamma: number;
  dMin: number;
  saturation: number;
  /** Paper grain amplitude (multiplicative) and its cell size in texture units. */
  grain: number;
  grainCell: number;
  /** Ambient share of the lighting (the rest follows the sheet's angle to the light). */
  ambient: number;
  gloss: Spot;
  fingers: Rect[];
}

const SKIN: [number, number, number] = [0.82, 0.62, 0.52];

/** An RGB float texture with a coverage mask (0: not part of the sheet). */
interface Texture extends Picture {
  alpha: Uint8Array;
}

function texture(width: number, height: number): Texture {
  return { ...picture(width, height), alpha: new Uint8Array(width * height) };
}

/** Nearest-texel lookup: textures are baked finer than the camera sees them. */
function texel(t: Texture, u: number, v: number): number {
  const x = Math.min(t.width - 1, Math.max(0, Math.floor(u * t.width)));
  const y = Math.min(t.height - 1, Math.max(0, Math.floor(v * t.height)));
  return y * t.width + x;
}

function inRoundedRect(u: number, v: number, aspect: number, radius: number): boolean {
  if (radius <= 0) return true;
  // Corner test in units of the device width; aspect = height / width.
  const x = Math.min(u, 1 - u);
  const y = Math.min(v, 1 - v) * aspect;
  if (x >= radius || y >= radius) return true;
  return Math.hypot(radius - x, radius - y) <= radius;
}

const inside = (u: number, v: number, r: Rect): boolean => u >= r.x0 && u < r.x1 && v >= r.y0 && v < r.y1;

const spotAt = (s: Spot, u: number, v: number, aspect: number): number =>
  s.strength === 0 ? 0 : s.strength * Math.exp(-((u - s.u) ** 2 + ((v - s.v) * aspect) ** 2) / (2 * s.radius * s.radius));

/** Value noise in [-1, 1], fixed per sheet so that the grain moves with the paper. */
export function grainField(seed: number): (x: number, y: number) => number {
  const hash = (i: number, j: number): number => {
    let h = (i * 374761393 + j * 668265263 + seed * 2246822519) | 0;
    h = Math.imul(h ^ (h >>> 13), 1274126177);
    return ((h ^ (h >>> 16)) >>> 0) / 2147483648 - 1;
  };
  return (x, y) => {
    const i = Math.floor(x);
    const j = Math.floor(y);
    const fx = x - i;
    const fy = y - j;
    const top = hash(i, j) * (1 - fx) + hash(i + 1, j) * fx;
    const bottom = hash(i, j + 1) * (1 - fx) + hash(i + 1, j + 1) * fx;
    return top * (1 - fy) + bottom * fy;
  };
}

/** Share of each subpixel's width that lights (the rest is the black matrix), and of each row. */
const STRIPE_FILL = 0.8 / 3;
const ROW_FILL = 0.9;
/** The lens and demosaicing blur the sensor's footprint beyond one pixel. */
const OPTICAL_SPREAD = 1.5;

/** Lit length of [k, k + f) for a stripe lit on [offset, offset + fill) of each period. */
const litIn = (f: number, offset: number, fill: number): number => {
  const v = f - offset;
  return v <= 0 ? 0 : v >= fill ? fill : v;
};

/**
 * How lit a stripe pattern of period 1 (lit on [offset, offset + fill) of each period) looks
 * through the box footprint [x - half, x + half], relative to its mean (1 on average), written
 * to out[i] for each offset: a point sample when the footprint is tiny, flat when it covers
 * many periods, and in between a residual that beats against the pixel grid.
 */
function throughFootprint(x: number, half: number, offsets: readonly number[], fill: number, out: Float32Array): void {
  if (half < 1e-4) {
    const f = x - Math.floor(x);
    for (let i = 0; i < offsets.length; i++) out[i] = f >= offsets[i] && f < offsets[i] + fill ? 1 / fill : 0;
    return;
  }
  const a = x - half;
  const b = x + half;
  const ka = Math.floor(a);
  const kb = Math.floor(b);
  const whole = (kb - ka) * fill;
  const norm = 1 / (2 * half * fill);
  for (let i = 0; i < offsets.length; i++) out[i] = (whole + litIn(b - kb, offsets[i], fill) - litIn(a - ka, offsets[i], fill)) * norm;
}

const STRIPES = [0, 1 / 3, 2 / 3];
const ROW = [0];

/** Bezel, rounded corners and fingers of a device, baked; the panel is left to the sampler. */
function deviceTexture(look: ScreenLook, aspect: number): Texture {
  const w = 512;
  const h = Math.round(w * aspect);
  const t = texture(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = (x + 0.5) / w;
      const v = (y + 0.5) / h;
      if (!inRoundedRect(u, v, aspect, look.cornerRadius)) continue;
      const i = y * w + x;
      const skin = look.fingers.some((f) => inside(u, v, f));
      const k = skin ? 1 : look.bezel;
      t.data.set(skin ? SKIN : [k, k, k * 1.05], i * 3);
      t.alpha[i] = skin ? 2 : 1;
    }
  }
  return t;
}

/**
 * The device showing the current picture of `content`, letterboxed into the panel. The panel
 * is a grid of display pixels with vertical R, G, B stripes; each camera pixel averages the
 * stripes and rows under its (optically widened) footprint, which leaves colour moire where
 * the display grid and the camera grid beat.
 */
export function screenSampler(look: ScreenLook, aspect: number, content: () => RgbFrame, time: () => number): Sampler {
  const p = look.panel;
  const pw = p.x1 - p.x0;
  const ph = p.y1 - p.y0;
  const across = look.pixelsAcross;
  const down = Math.round((across * ph * aspect) / pw);
  const device = deviceTexture(look, aspect);
  // The panel's light for each picture value, per channel (gamma, black level, tint, brightness).
  const emit = [0, 1, 2].map((c) => Float32Array.from({ length: 256 }, (_, i) => (look.blackLevel + (1 - look.blackLevel) * (i / 255) ** look.gamma) * look.brightness * look.tint[c]));
  const band = new Float32Array(down);
  const rgb = new Float32Array(3);
  const stripes = new Float32Array(3);
  const rowLit = new Float32Array(1);
  let shownAt = -1;
  return (u, v, shade, du, dv, out) => {
    const i = texel(device, u, v);
    const kind = device.alpha[i];
    if (kind === 0) return 0;
    if (kind === 2 || !inside(u, v, p)) {
      const lit = kind === 2 ? 0.55 + 0.45 * shade : 0.6 + 0.6 * shade;
      for (let c = 0; c < 3; c++) out[c] = device.data[i * 3 + c] * lit;
      return 1;
    }
    const now = time();
    if (now !== shownAt) {
      shownAt = now;
      for (let r = 0; r < down; r++) band[r] = 1 - look.banding.depth * (0.5 + 0.5 * Math.sin(2 * Math.PI * ((r / down) * look.banding.bands - now * 1.7)));
    }
    const frame = content();
    const fit = Math.min(across / frame.width, down / frame.height);
    const x = ((u - p.x0) / pw) * across;
    const y = ((v - p.y0) / ph) * down;
    // The player scales the picture to display pixels: each display pixel shows one value.
    const fx = (Math.floor(x) + 0.5 - (across - frame.width * fit) / 2) / (frame.width * fit);
    const fy = (Math.floor(y) + 0.5 - (down - frame.height * fit) / 2) / (frame.height * fit);
    const shown = fx >= 0 && fx < 1 && fy >= 0 && fy < 1;
    if (shown) bilinear(frame, fx, fy, rgb);
    throughFootprint(y, (OPTICAL_SPREAD * dv * down) / ph / 2, ROW, ROW_FILL, rowLit);
    const rows = rowLit[0] * band[Math.min(down - 1, Math.max(0, Math.floor(y)))];
    throughFootprint(x, (OPTICAL_SPREAD * du * across) / pw / 2, STRIPES, STRIPE_FILL, stripes);
    const glare = spotAt(look.glare, u, v, aspect);
    for (let c = 0; c < 3; c++) {
      const level = emit[c][shown ? Math.round(rgb[c] * 255) : 0];
      out[c] = level * stripes[c] * rows + glare;
    }
    return 1;
  };
}

/** The printed sheet, baked: ink, paper colour and grain, margin, fingers. */
function printTexture(look: PrintLook, aspect: number, image: RgbFrame, seed: number): Texture {
  // Finer than the camera ever sees a print (a few hundred pixels across).
  const w = 768;
  const h = Math.round(w * aspect);
  const t = texture(w, h);
  const grain = grainField(seed);
  const r = look.image;
  const src = new Float32Array(3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = (x + 0.5) / w;
      const v = (y + 0.5) / h;
      const i = y * w + x;
      t.alpha[i] = 1;
      if (look.fingers.some((f) => inside(u, v, f))) {
        t.data.set(SKIN, i * 3);
        continue;
      }
      const paper = 1 + look.grain * grain(u / look.grainCell, (v * aspect) / look.grainCell);
      let rgb = [1, 1, 1];
      if (inside(u, v, r)) {
        bilinear(image, (u - r.x0) / (r.x1 - r.x0), (v - r.y0) / (r.y1 - r.y0), src);
        const grey = 0.299 * src[0] + 0.587 * src[1] + 0.114 * src[2];
        rgb = Array.from(src, (s) => look.dMin + (1 - look.dMin) * Math.min(1, Math.max(0, grey + look.saturation * (s - grey))) ** look.gamma);
      }
      for (let c = 0; c < 3; c++) t.data[i * 3 + c] = look.paper[c] * rgb[c] * paper;
    }
  }
  return t;
}

export function printSampler(look: PrintLook, aspect: number, image: RgbFrame, seed: number): Sampler {
  const sheet = printTexture(look, aspect, image, seed);
  return (u, v, shade, _du, _dv, out) => {
    const i = texel(sheet, u, v);
    const light = look.ambient + (1 - look.ambient) * shade;
    const sheen = spotAt(look.gloss, u, v, aspect);
    for (let c = 0; c < 3; c++) out[c] = sheet.data[i * 3 + c] * light + sheen;
    return 1;
  };
}

/**
 * A synthetic room behind the instrument: a wall with a vertical light gradient, a few pieces
 * of furniture and pictures as soft-edged rectangles, and a floor or desk band. Drawn larger
 * than the frame so that a shaking camera can move over it.
 */
export function room(width: number, height: number, rng: () => number): Picture {
  const pic = picture(width, height);
  const hue = (): [number, number, number] => {
    const base = 0.35 + 0.45 * rng();
    return [base * (0.85 + 0.3 * rng()), base * (0.85 + 0.3 * rng()), base * (0.85 + 0.3 * rng())];
  };
  const wall = hue();
  const floorY = height * (0.65 + 0.3 * rng());
  const floor = hue().map((c) => c * 0.7) as [number, number, number];
  const boxes = Array.from({ length: 3 + Math.floor(rng() * 5) }, () => {
    const w = width * (0.08 + 0.3 * rng());
    const h = height * (0.08 + 0.4 * rng());
    return { x: rng() * (width - w), y: rng() * (floorY - h * 0.5), w, h, colour: hue() };
  });
  const grain = grainField(Math.floor(rng() * 1e9));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let c: number[] = y < floorY ? wall.map((w) => w * (1.15 - 0.35 * (y / height))) : floor;
      for (const b of boxes) {
        if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) c = b.colour;
      }
      const n = 1 + 0.04 * grain(x / 6, y / 6);
      pic.data.set([c[0] * n, c[1] * n, c[2] * n], (y * width + x) * 3);
    }
  }
  return blur(blur(pic, 1), 1);
}

/** Separable blur with weights [1, w, 1] (w = 2: the camera's own softness; w = 1: defocus). */
export function blur(src: Picture, centre: number): Picture {
  const { width, height } = src;
  const tmp = picture(width, height);
  const out = picture(width, height);
  const norm = 1 / (2 + centre);
  const a = src.data;
  const b = tmp.data;
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const i = row + x * 3;
      const l = x > 0 ? i - 3 : i;
      const r = x < width - 1 ? i + 3 : i;
      for (let c = 0; c < 3; c++) b[i + c] = (a[l + c] + centre * a[i + c] + a[r + c]) * norm;
    }
  }
  const stride = width * 3;
  const o = out.data;
  for (let y = 0; y < height; y++) {
    const up = y > 0 ? -stride : 0;
    const down = y < height - 1 ? stride : 0;
    for (let i = y * stride; i < (y + 1) * stride; i++) o[i] = (b[i + up] + centre * b[i] + b[i + down]) * norm;
  }
  return out;
}
