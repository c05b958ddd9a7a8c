import type { Tf } from './human.js';

type Tensor4D = ReturnType<Tf['tensor4d']>;

export interface Point {
  x: number;
  y: number;
}

/** Where the eye centres land in the aligned crop, as fractions of its side. */
export interface AlignGeometry {
  size: number;
  eyeDistance: number;
  eyeY: number;
}

/**
 * Similarity transform (rotation, scale, shift) that puts the two eye centres on a
 * horizontal line at fixed positions, then samples a size x size crop: the same face gives
 * the same crop whatever its roll, scale or position in the picture.
 */
export function alignByEyes(tf: Tf, image: Tensor4D, eyes: [Point, Point], geo: AlignGeometry): Tensor4D {
  const [a, b] = eyes[0].x <= eyes[1].x ? eyes : [eyes[1], eyes[0]];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const inDist = Math.hypot(dx, dy);
  const s = inDist / (geo.eyeDistance * geo.size);
  const cos = (s * dx) / inDist;
  const sin = (s * dy) / inDist;
  const ox = geo.size / 2;
  const oy = geo.eyeY * geo.size;
  const ix = (a.x + b.x) / 2;
  const iy = (a.y + b.y) / 2;
  // tf.image.transform maps each output pixel to the input point it samples.
  const matrix = [cos, -sin, ix - cos * ox + sin * oy, sin, cos, iy - sin * ox - cos * oy, 0, 0];
  return tf.tidy(() => {
    const input = image.dtype === 'float32' ? image : tf.cast(image, 'float32');
    return tf.image.transform(input, tf.tensor2d([matrix]), 'bilinear', 'nearest', 0, [geo.size, geo.size]) as Tensor4D;
  });
}
