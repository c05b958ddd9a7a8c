/**
 * Do honest users pass when they record through the capture page, in a room the page does not
 * call dark? Every real clip of DATA/video is recorded again as the page records (a 960x960
 * square at 30 fps, about the pixels of the page's 720x1280 portrait, VP8 at 1.2 Mb/s with the
 * realtime encoder settings a browser uses, Opus at 64 kb/s in WebM), once as it is and once
 * dimmed until the preview's oval reads just above the page's "too dark" limit
 * (src/capture/web/lighting.ts) with the grain of a sensor in low light, and once brightened
 * towards its "too bright" limit (highlights clip, as an overexposed camera's do), and with other
 * people talking 20 and 10 dB under the reader, and verified by the pipeline. The clips do not read challenge digits, so every check but the digit check judges
 * them, as the evaluation judges its bona fide clips.
 *   node --import tsx src/eval/capture-conditions.ts [DATA_DIR] [WORK_DIR]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIGHTING } from '../capture/web/lighting.js';
import { resolveThresholds } from '../config/index.js';
import { seededRandom } from '../core/seeded-random.js';
import { decodeAudio } from '../media/index.js';
import { encodeWav } from '../media/wav.js';
import { SAMPLE_RATE } from '../speech/tokens.js';
import { GENUINE_JUDGING } from './attacks/index.js';
import { previewBlown, previewFrames, previewOval, realClips } from './capture-preview.js';
import { ffmpeg, input } from './attacks/ffmpeg.js';
import { defaultDataDir } from './data-dir.js';
import { createPipeline } from './pipeline.js';
import { babble, otherTalkers, scaled, speechRms } from './speech/noise.js';

/** The page's recording (src/capture/web/media.ts), at about its pixel count. */
const PAGE_RECORDING = ['-c:v', 'libvpx', '-b:v', '1200k', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus', '-b:a', '64k', '-ar', '48000'];
const SQUARE = 'scale=960:960:force_original_aspect_ratio=increase,crop=960:960,fps=30';
/** The oval's mean luma the dimmed copies are brought to: 5 over the page's dark limit. */
const DIM_TARGET = LIGHTING.dark + 5;
/** The oval's mean luma the brightened copies are brought to: 5 under the page's "too bright" limit. */
const BRIGHT_TARGET = LIGHTING.bright - 5;
/** The "blown face" warning measured and not adopted (docs/decisions.md): 5% of the oval's cells at luma 250 or more. */
const BLOWN_SHARE = 0.05;
/** Temporal grain of a phone sensor at high gain (ffmpeg noise strength, 0-100). */
const LOW_LIGHT_GRAIN = 10;

/** Other people talking (the shared LibriSpeech and AISHELL-1 sentences) this many dB under the reader's speech. */
const TALKERS_DB = [20, 10];

/** The page's recording with other talkers mixed into its sound at `db` under the reader's loud frames. */
async function withTalkers(page: string, db: number, out: string): Promise<void> {
  const voice = await decodeAudio(page, { maxDurationSec: 60, timeoutMs: 60_000 });
  const background = scaled(babble(talkers, voice.length, seededRandom(db)), speechRms(voice) / 10 ** (db / 20));
  const wav = `${out}.wav`;
  writeFileSync(wav, encodeWav(background, SAMPLE_RATE));
  await ffmpeg([...input(page), ...input(wav), '-filter_complex', '[0:a][1:a]amix=inputs=2:normalize=0:duration=first[a]', '-map', '0:v', '-map', '[a]', '-c:v', 'copy', '-c:a', 'libopus', '-b:a', '64k', '-ar', '48000', out]);
}

/** The page's oval statistic over the clip: the median over its preview samples. */
function medianOvalLuma(path: string): number {
  const inside = previewFrames(path).map((f) => previewOval(f).inside).sort((a, b) => a - b);
  return inside[Math.floor(inside.length / 2)] ?? 0;
}

const data = process.argv[2] ?? defaultDataDir();
const work = process.argv[3] ?? join(process.env.TMPDIR ?? '/tmp', 'livecheck-capture-conditions');
const clips = realClips(data);
if (clips.length === 0) {
  console.log(`no clips under ${join(data, 'video')}: nothing to measure`);
  process.exit(0);
}
mkdirSync(work, { recursive: true });
const talkers = await otherTalkers(data);
const pipeline = await createPipeline({ workers: 1, thresholds: resolveThresholds() });
const judged = new Set<string>(GENUINE_JUDGING.judgedBy);
const refused: Record<string, string[]> = {};
const presentation: Record<string, number[]> = {};
/** Per condition, the recordings with the blown-face warning on at least half their preview samples. */
const blownWarned: Record<string, string[]> = {};
try {
  for (const clip of clips) {
    const oval = medianOvalLuma(clip.path);
    const gain = (g: number): string => `colorchannelmixer=rr=${g.toFixed(3)}:gg=${g.toFixed(3)}:bb=${g.toFixed(3)}`;
    const page = join(work, `${clip.name}-page.webm`);
    const filmed = (vf: string) => (out: string) => ffmpeg([...input(clip.path), '-vf', vf, ...PAGE_RECORDING, out]);
    // [label, file suffix, how the recording is made]; ffmpeg's channel mixer takes gains up to 2.
    const conditions: Array<[string, string, (out: string) => Promise<unknown>]> = [
      ['page recording', 'page', filmed(SQUARE)],
      [`page recording, dimmed to oval luma ${DIM_TARGET}`, 'dim', filmed(`${SQUARE},${gain(Math.min(1, DIM_TARGET / oval))},noise=alls=${LOW_LIGHT_GRAIN}:allf=t`)],
      [`page recording, brightened towards oval luma ${BRIGHT_TARGET} (highlights clip)`, 'bright', filmed(`${SQUARE},${gain(Math.min(2, Math.max(1, BRIGHT_TARGET / oval)))}`)],
      ...(talkers.length > 0 ? TALKERS_DB.map((db): [string, string, (out: string) => Promise<unknown>] => [`page recording, ${talkers.length} other talkers ${db} dB under the reader`, `talkers${db}`, (out) => withTalkers(page, db, out)]) : []),
    ];
    for (const [label, suffix, make] of conditions) {
      const out = join(work, `${clip.name}-${suffix}.webm`);
      if (!existsSync(out)) await make(out);
      const r = await pipeline.verifyVideo({ videoPath: out, digits: '1234' });
      const failed = r.checks.filter((c) => judged.has(c.name) && c.passed === false).map((c) => `${c.name} ${c.score}`);
      const pad = r.checks.find((c) => c.name === 'presentation')?.score;
      if (typeof pad === 'number') (presentation[label] ??= []).push(pad);
      if (failed.length > 0) (refused[label] ??= []).push(`${clip.name} (${failed.join(', ')})`);
      const samples = previewFrames(out).map((f) => previewBlown(f));
      const warned = samples.filter((b) => b >= BLOWN_SHARE).length;
      if (warned * 2 >= samples.length && warned > 0) (blownWarned[label] ??= []).push(clip.name);
      console.log(
        `${clip.name}\t${label}\t${r.checks.filter((c) => c.name !== 'digits').map((c) => `${c.name}:${c.passed === false ? 'FAIL' : 'ok'}(${c.score})`).join(' ')}` +
          `\tblown-face warning ${warned}/${samples.length} samples`,
      );
    }
  }
} finally {
  await pipeline.close();
}
const threshold = resolveThresholds().presentation.minLive;
for (const label of Object.keys(presentation)) {
  const scores = [...(presentation[label] ?? [])].sort((a, b) => a - b);
  const bad = refused[label] ?? [];
  const warned = blownWarned[label] ?? [];
  console.log(
    `${label}: refused ${bad.length} of ${clips.length}${bad.length ? ` (${bad.join('; ')})` : ''}; presentation lowest ${scores[0]?.toFixed(3)}, second lowest ${scores[1]?.toFixed(3)} (threshold ${threshold}); ` +
      `blown-face warning on half the samples or more: ${warned.length} of ${clips.length}${warned.length ? ` (${warned.join(', ')})` : ''}`,
  );
}
