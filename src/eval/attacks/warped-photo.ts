import sharp from 'sharp';
import { ffmpeg, input, MP4_OUT, probe } from './ffmpeg.js';

/**
 * A photo moved and warped in 2D while genuine speech plays: the attacker shakes, tilts and
 * bends a print in front of the camera. Zoom and pan (zoompan), in-plane rotation (rotate) and
 * a changing keystone (perspective) follow slow sines of different periods so the motion never
 * repeats exactly within a clip.
 */
export async function warpedPhoto(opts: { image: string; audio: string; out: string }): Promise<string> {
  const { durationSec } = await probe(opts.audio);
  const meta = await sharp(opts.image).metadata();
  if (!meta.width || !meta.height) throw new RangeError(`${opts.image}: not an image`);
  const w = Math.floor(meta.width / 2) * 2;
  const h = Math.floor(meta.height / 2) * 2;
  const filter = [
    `scale=${w}:${h}`,
    `zoompan=z='1.1+0.06*sin(on/20)':x='iw/2-iw/zoom/2+0.03*iw*sin(on/15)':y='ih/2-ih/zoom/2+0.03*ih*cos(on/17)':d=1:s=${w}x${h}:fps=25`,
    `rotate='0.06*sin(2*PI*t/2.5)':fillcolor=black`,
    `perspective=x0='0.04*W*(1+sin(in/9))':y0='0.03*H*(1+cos(in/13))':x1='W-0.04*W*(1+cos(in/11))':y1=0:x2=0:y2=H:x3=W:y3='H-0.04*H*(1+sin(in/10))':eval=frame`,
    'format=yuv420p',
  ].join(',');
  await ffmpeg([
    '-loop', '1', '-framerate', '25', ...input(opts.image), ...input(opts.audio),
    '-filter_complex', `[0:v]${filter}[v]`,
    '-map', '[v]', '-map', '1:a', '-t', durationSec.toFixed(3), ...MP4_OUT, opts.out,
  ]);
  return opts.out;
}
