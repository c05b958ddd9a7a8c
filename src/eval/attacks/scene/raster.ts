/**
 * A small software renderer for simulated presentation attacks: a flat or bent sheet (a
 * screen, a printed photo) posed in 3D in front of a pinhole camera, drawn triangle by
 * triangle. Samplers get each pixel's footprint on the sheet, so that structure finer than a
 * pixel (display subpixels) is averaged over it and beats against the pixel grid as moire.
 */

/** An RGB picture, interleaved floats 0-1. */
export interface Picture {
  width: number;
  height: number;
  data: Float32Array;
}

export const picture = (width: number, height: number): Picture => ({ width, height, data: new Float32Array(width * height * 3) });

/**
 * What a sheet looks like at texture point (u, v) in [0,1]^2 under shading `shade`, seen by a
 * camera pixel whose footprint spans du x dv in texture units: writes RGB into out[0..2] and
 * returns its opacity (0 lets the background through). The footprint lets a sampler average
 * structure finer than a pixel (a display's subpixels) the way the sensor and lens do.
 */
export type Sampler = (u: number, v: number, shade: number, du: number, dv: number, out: Float32Array) => number;

export interface Pose {
  /** Rotations in radians about the camera's y (yaw), x (pitch) and z (roll) axes. */
  yaw: number;
  pitch: number;
  roll: number;
  /** Centre of the sheet in cm; z is the distance from the camera. */
  x: number;
  y: number;
  z: number;
}

export interface Camera {
  width: number;
  height: number;
  /** Focal length in pixels. */
  focal: number;
}

/** A sheet of widthCm x heightCm, bent about its vertical axis with radius bendCm (null: flat). */
export interface Sheet {
  widthCm: number;
  heightCm: number;
  bendCm: number | null;
}

const GRID = 16;

/** Direction towards the light, in camera space (upper left, in front). */
const LIGHT = normalise([-0.4, -0.5, -0.75]);

function normalise(v: number[]): [number, number, number] {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

function rotate(p: [number, number, number], pose: Pose): [number, number, number] {
  const [cy, sy, cx, sx, cz, sz] = [Math.cos(pose.yaw), Math.sin(pose.yaw), Math.cos(pose.pitch), Math.sin(pose.pitch), Math.cos(pose.roll), Math.sin(pose.roll)];
  let [x, y, z] = p;
  [x, y] = [cz * x - sz * y, sz * x + cz * y];
  [y, z] = [cx * y - sx * z, sx * y + cx * z];
  [x, z] = [cy * x + sy * z, -sy * x + cy * z];
  return [x, y, z];
}

interface Vertex {
  px: number;
  py: number;
  u: number;
  v: number;
  shade: number;
}

/** The sheet's grid vertices projected into the camera, with Lambertian shading. */
function project(sheet: Sheet, pose: Pose, cam: Camera): Vertex[] {
  const out: Vertex[] = [];
  for (let j = 0; j <= GRID; j++) {
    for (let i = 0; i <= GRID; i++) {
      const u = i / GRID;
      const v = j / GRID;
      let local: [number, number, number];
      let normal: [number, number, number];
      if (sheet.bendCm === null) {
        local = [(u - 0.5) * sheet.widthCm, (v - 0.5) * sheet.heightCm, 0];
        normal = [0, 0, -1];
      } else {
        const r = sheet.bendCm;
        const a = ((u - 0.5) * sheet.widthCm) / r;
        // Bent towards the camera at the edges (a sheet held by its sides).
        local = [r * Math.sin(a), (v - 0.5) * sheet.heightCm, -r * (1 - Math.cos(a))];
        normal = [Math.sin(a), 0, -Math.cos(a)];
      }
      const [x, y, z] = rotate(local, pose);
      const n = rotate(normal, pose);
      const depth = z + pose.z;
      const lambert = Math.max(0, n[0] * LIGHT[0] + n[1] * LIGHT[1] + n[2] * LIGHT[2]);
      out.push({ px: cam.width / 2 + (cam.focal * (x + pose.x)) / depth, py: cam.height / 2 + (cam.focal * (y + pose.y)) / depth, u, v, shade: lambert });
    }
  }
  return out;
}

/**
 * Draws the posed sheet over `target` (which holds the background). Each pixel is sampled at
 * its centre, in the one grid triangle that holds it; texture coordinates are interpolated
 * affinely within the small triangles, exact enough at this grid size. The sheet is
 * accumulated apart and laid over the background once, so no seams show between triangles.
 */
export function drawSheet(target: Picture, sheet: Sheet, pose: Pose, cam: Camera, sample: Sampler): void {
  const verts = project(sheet, pose, cam);
  const layer: Layer = { colour: new Float32Array(target.data.length), cover: new Float32Array(target.width * target.height), width: target.width, height: target.height };
  const at = (i: number, j: number): Vertex => verts[j * (GRID + 1) + i];
  for (let j = 0; j < GRID; j++) {
    for (let i = 0; i < GRID; i++) {
      triangle(layer, at(i, j), at(i + 1, j), at(i + 1, j + 1), sample);
      triangle(layer, at(i, j), at(i + 1, j + 1), at(i, j + 1), sample);
    }
  }
  for (let p = 0; p < layer.cover.length; p++) {
    const cover = layer.cover[p];
    if (cover === 0) continue;
    const keep = 1 - Math.min(1, cover);
    const norm = 1 / Math.max(1, cover);
    for (let c = 0; c < 3; c++) target.data[p * 3 + c] = target.data[p * 3 + c] * keep + layer.colour[p * 3 + c] * norm;
  }
}

interface Layer {
  colour: Float32Array;
  cover: Float32Array;
  width: number;
  height: number;
}

function triangle(t: Layer, a: Vertex, b: Vertex, c: Vertex, sample: Sampler): void {
  const area = (b.px - a.px) * (c.py - a.py) - (c.px - a.px) * (b.py - a.py);
  if (Math.abs(area) < 1e-9) return;
  const x0 = Math.max(0, Math.floor(Math.min(a.px, b.px, c.px)));
  const x1 = Math.min(t.width - 1, Math.ceil(Math.max(a.px, b.px, c.px)));
  const y0 = Math.max(0, Math.floor(Math.min(a.py, b.py, c.py)));
  const y1 = Math.min(t.height - 1, Math.ceil(Math.max(a.py, b.py, c.py)));
  const inv = 1 / area;
  // Texture coordinates are affine in the triangle: their change per pixel is constant.
  const gax = (b.py - c.py) * inv;
  const gay = (c.px - b.px) * inv;
  const gbx = (c.py - a.py) * inv;
  const gby = (a.px - c.px) * inv;
  const dudx = gax * a.u + gbx * b.u - (gax + gbx) * c.u;
  const dudy = gay * a.u + gby * b.u - (gay + gby) * c.u;
  const dvdx = gax * a.v + gbx * b.v - (gax + gbx) * c.v;
  const dvdy = gay * a.v + gby * b.v - (gay + gby) * c.v;
  const du = Math.abs(dudx) + Math.abs(dudy);
  const dv = Math.abs(dvdx) + Math.abs(dvdy);
  const rgb = new Float32Array(3);
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      const wa = ((b.px - px) * (c.py - py) - (c.px - px) * (b.py - py)) * inv;
      const wb = ((c.px - px) * (a.py - py) - (a.px - px) * (c.py - py)) * inv;
      const wc = 1 - wa - wb;
      if (wa < 0 || wb < 0 || wc <= 0) continue;
      const alpha = sample(wa * a.u + wb * b.u + wc * c.u, wa * a.v + wb * b.v + wc * c.v, wa * a.shade + wb * b.shade + wc * c.shade, du, dv, rgb);
      if (alpha <= 0) continue;
      const p = y * t.width + x;
      t.colour[p * 3] += rgb[0] * alpha;
      t.colour[p * 3 + 1] += rgb[1] * alpha;
      t.colour[p * 3 + 2] += rgb[2] * alpha;
      t.cover[p] += alpha;
    }
  }
}

/** Bilinear lookup of an 8-bit RGB image at texture coordinates (u, v), into out as 0-1. */
export function bilinear(img: { width: number; height: number; data: Uint8Array }, u: number, v: number, out: Float32Array): void {
  const x = Math.min(img.width - 1, Math.max(0, u * img.width - 0.5));
  const y = Math.min(img.height - 1, Math.max(0, v * img.height - 0.5));
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(img.width - 1, x0 + 1);
  const y1 = Math.min(img.height - 1, y0 + 1);
  const fx = x - x0;
  const fy = y - y0;
  const d = img.data;
  const w = img.width;
  for (let c = 0; c < 3; c++) {
    const top = d[(y0 * w + x0) * 3 + c] * (1 - fx) + d[(y0 * w + x1) * 3 + c] * fx;
    const bottom = d[(y1 * w + x0) * 3 + c] * (1 - fx) + d[(y1 * w + x1) * 3 + c] * fx;
    out[c] = (top * (1 - fy) + bottom * fy) / 255;
  }
}
