import sharp from 'sharp';
import type { RgbFrame } from '../core/frames.js';

/** JPEG of a decoded frame, for `photo` / `video_photo`. */
export async function frameToJpeg(frame: RgbFrame, quality = 90): Promise<Uint8Array> {
  const buf = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
