import { ffmpeg, input, MP4_OUT, probe } from './ffmpeg.js';

/**
 * Wrong digits: a live face with a recording of other digits than the challenge (a replayed
 * answer to an earlier challenge). The digit recordings are joined with short pauses, as a
 * person reads them, and the face clip loops for as long as the reading lasts.
 */
export async function wrongDigits(opts: { face: string; digitWavs: string[]; out: string; pauseSec?: number }): Promise<string> {
  if (opts.digitWavs.length === 0) throw new RangeError('wrongDigits needs at least one digit recording');
  const pause = opts.pauseSec ?? 0.3;
  const n = opts.digitWavs.length;
  // -shortest overshoots by up to a second with a looped input; the reading's length is exact.
  let durationSec = pause;
  for (const wav of opts.digitWavs) durationSec += (await probe(wav)).durationSec + pause;
  const parts = opts.digitWavs.map(
    (_, i) => `[${i + 1}:a]aresample=16000,aformat=channel_layouts=mono,apad=pad_dur=${pause}[d${i}]`,
  );
  const joined = `${opts.digitWavs.map((_, i) => `[d${i}]`).join('')}concat=n=${n}:v=0:a=1,adelay=delays=${Math.round(pause * 1000)}:all=1[a]`;
  await ffmpeg([
    '-stream_loop', '-1', ...input(opts.face),
    ...opts.digitWavs.flatMap((w) => input(w)),
    '-filter_complex', [...parts, joined].join(';'),
    '-map', '0:v', '-map', '[a]', '-t', durationSec.toFixed(3), ...MP4_OUT, opts.out,
  ]);
  return opts.out;
}
