import { execFile } from 'node:child_process';
import { ffmpegPath } from '../../media/index.js';

/**
 * Float PCM through an ffmpeg filter chain (resampling, tempo, telephone band) in a child
 * process with a time limit, for building evaluation audio.
 */
export function filterPcm(pcm: Float32Array, inRate: number, filters: string[], outRate: number, timeoutMs = 120_000): Promise<Float32Array> {
  const args = ['-v', 'error', '-protocol_whitelist', 'pipe', '-f', 'f32le', '-ar', String(inRate), '-ac', '1', '-i', 'pipe:0'];
  if (filters.length > 0) args.push('-af', filters.join(','));
  args.push('-f', 'f32le', '-ar', String(outRate), '-ac', '1', 'pipe:1');
  return new Promise((resolve, reject) => {
    const child = execFile(ffmpegPath(), args, { encoding: 'buffer', maxBuffer: 1 << 30, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout) => {
      if (err) return reject(new Error(`ffmpeg (${filters.join(',') || 'resample'}) failed: ${err.message.split('\n')[0]}`));
      const out = new Float32Array(Math.floor(stdout.length / 4));
      new Uint8Array(out.buffer).set(stdout.subarray(0, out.length * 4));
      resolve(out);
    });
    child.stdin?.end(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  });
}
