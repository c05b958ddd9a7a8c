/**
 * Does the browser's voice processing help or hurt the digit check? getUserMedia({ audio: true })
 * turns on Chromium's echo cancellation, noise suppression and automatic gain control; the digit
 * model was trained on unprocessed recordings with noise added. Held-out readings of every voice
 * are laid in one track under pink noise, played into headless Chromium's fake microphone and
 * recorded as the capture page records (MediaRecorder, Opus 64 kb/s), with the processing and
 * without; each reading is cut out again and judged as the speech evaluation judges it, by its
 * fold's model at that fold's committed setting (docs/evaluation/speech), after the service's
 * audio checks. The rule it answers is in docs/decisions.md ("The page's microphone").
 *   node --import tsx src/eval/capture-audio-processing.ts [DATA_DIR] [WORK_DIR]
 * About 20 minutes: the recordings run in real time (four at once).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { resolveThresholds } from '../config/index.js';
import { pearson } from '../core/pearson.js';
import { decodeAudio } from '../media/index.js';
import { encodeWav } from '../media/wav.js';
import { SAMPLE_RATE } from '../speech/tokens.js';
import { defaultDataDir } from './data-dir.js';
import { filterPcm } from './speech/ffmpeg-pcm.js';
import { heldOutReadings, type ReadingVerdict } from './speech/held-out.js';
import { pinkNoise, speechRms } from './speech/noise.js';
import { concat } from './speech/strings.js';

/** Debian's chromium, as the capture page's browser tests use (LIVECHECK_CHROMIUM points elsewhere). */
const CHROMIUM = process.env.LIVECHECK_CHROMIUM ?? '/usr/bin/chromium';
const PER_PACE = 2;
const LEAD_SEC = 1;
const GAP_SEC = 1.5;
/** Room either side of a reading in its cut, so the audio checks see background as in a clip. */
const CUT_MARGIN_SEC = 0.75;
/** Pink noise this many dB under the speech: a quiet room and a noisy one (the -5012 floor is 13). */
const NOISE_DB = [40, 15];
const SETTINGS = [
  { id: 'processed', label: "browser's processing (the page today)", audio: true as MediaTrackConstraints | true },
  { id: 'raw', label: 'raw (echo cancellation, noise suppression, gain control off)', audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } },
] as const;

/** A held-out reading's span in the track, in samples at 16 kHz. */
interface Span {
  start: number;
  end: number;
}

const sec = (s: number): number => Math.round(s * SAMPLE_RATE);

/** Mean power in 10 ms frames, as dB, for aligning a recording with its track. */
function envelope(pcm: Float32Array): Float32Array {
  const hop = SAMPLE_RATE / 100;
  const out = new Float32Array(Math.floor(pcm.length / hop));
  for (let i = 0; i < out.length; i++) {
    let e = 1e-10;
    for (let k = i * hop; k < (i + 1) * hop; k++) e += pcm[k] * pcm[k];
    out[i] = 10 * Math.log10(e / hop);
  }
  return out;
}

/**
 * The lag in [lo, hi] (10 ms frames) at which `rec` best follows `ref` over ref's frames
 * [from, to): rec is cut where the lowest lag needs it, so that every lag pairs the same frames of
 * ref with rec's frames from index 0 on.
 */
function bestLag(ref: Float32Array, rec: Float32Array, from: number, to: number, lo: number, hi: number): number {
  const base = Math.max(lo, -from);
  const a = ref.subarray(from, to);
  const b = rec.subarray(from + base);
  let best = lo;
  let bestCorr = -Infinity;
  for (let lag = lo; lag <= hi; lag++) {
    const corr = pearson(a, b, lag - base);
    if (corr > bestCorr) {
      bestCorr = corr;
      best = lag;
    }
  }
  return best;
}

const PAGE = `<!doctype html><meta charset="utf-8"><script>
window.record = async (audio, ms) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio });
  const rec = new MediaRecorder(stream, { mimeType: 'audio/webm;codecs=opus', audioBitsPerSecond: 64000 });
  const chunks = [];
  rec.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((r) => (rec.onstop = r));
  rec.start(1000);
  await new Promise((r) => setTimeout(r, ms));
  rec.stop();
  await stopped;
  stream.getTracks().forEach((t) => t.stop());
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
};
</script>`;

/** Records `wav` through Chromium's fake microphone for `ms`, with `audio` as the getUserMedia constraints. */
async function recordThroughChromium(origin: string, wav: string, audio: MediaTrackConstraints | true, ms: number, out: string): Promise<void> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`],
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(ms + 120_000);
    await page.goto(origin);
    const b64 = await page.evaluate(([a, t]) => (window as unknown as { record: (a: unknown, t: number) => Promise<string> }).record(a, t), [audio, ms] as const);
    writeFileSync(out, Buffer.from(b64, 'base64'));
  } finally {
    await browser.close();
  }
}

const data = process.argv[2] ?? defaultDataDir();
const work = process.argv[3] ?? join(process.env.TMPDIR ?? '/tmp', 'livecheck-capture-audio');
mkdirSync(work, { recursive: true });
const th = resolveThresholds();
const { readings, judge } = await heldOutReadings(data, PER_PACE, th);

// The readings, in one track.
const spans: Span[] = [];
const parts: Float32Array[] = [new Float32Array(sec(LEAD_SEC))];
let at = sec(LEAD_SEC);
for (const r of readings) {
  spans.push({ start: at, end: at + r.pcm.length });
  parts.push(r.pcm, new Float32Array(sec(GAP_SEC)));
  at += r.pcm.length + sec(GAP_SEC);
}
const speech = concat(parts);
const level = speechRms(speech);
console.log(`${readings.length} readings of ${new Set(readings.map((r) => r.voice)).size} voices, ${(speech.length / SAMPLE_RATE / 60).toFixed(1)} min of track`);

const server = createServer((_req, res) => {
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(PAGE);
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;

const tracks = new Map<number, Float32Array>();
const jobs: Promise<void>[] = [];
for (const db of NOISE_DB) {
  const noise = pinkNoise(speech.length, level / 10 ** (db / 20), db);
  const track = speech.map((x, i) => x + noise[i]);
  tracks.set(db, track);
  const wav = join(work, `track-${db}dB.wav`);
  writeFileSync(wav, encodeWav(await filterPcm(track, SAMPLE_RATE, [], 48_000), 48_000));
  for (const s of SETTINGS) {
    const out = join(work, `${s.id}-${db}dB.webm`);
    jobs.push(recordThroughChromium(origin, wav, s.audio, Math.ceil((track.length / SAMPLE_RATE) * 1000) + 3000, out));
  }
}
await Promise.all(jobs);
server.close();

type Tally = { readings: number; audioRefused: number; accepted: number; impostors: number; impostorsAccepted: number };
const tallies = new Map<string, Tally>();
const tally = (key: string): Tally => {
  let t = tallies.get(key);
  if (!t) tallies.set(key, (t = { readings: 0, audioRefused: 0, accepted: 0, impostors: 0, impostorsAccepted: 0 }));
  return t;
};
const count = (key: string, impostors: number, v: ReadingVerdict): void => {
  const t = tally(key);
  t.readings++;
  if (!v.audioOk) t.audioRefused++;
  if (v.accepted) t.accepted++;
  t.impostors += impostors;
  t.impostorsAccepted += v.impostorsAccepted;
};
const paired: Record<string, { processedOnly: number; rawOnly: number }> = {};

for (const db of NOISE_DB) {
  const track = tracks.get(db) as Float32Array;
  const sources: Array<{ id: string; pcm: Float32Array }> = [{ id: 'track', pcm: track }];
  for (const s of SETTINGS) {
    const pcm = await decodeAudio(join(work, `${s.id}-${db}dB.webm`), { maxDurationSec: 7200, timeoutMs: 600_000 });
    sources.push({ id: s.id, pcm });
  }
  const refEnv = envelope(track);
  const verdicts = new Map<string, boolean[]>();
  for (const src of sources) {
    const env = envelope(src.pcm);
    // The recording starts a little after the track (device start-up): one lag over the first
    // minute, then each reading's own within 0.2 s of it (a drift of the device's clock).
    const lag0 = src.id === 'track' ? 0 : bestLag(refEnv, env, 0, Math.min(refEnv.length, 6000), -50, 300);
    const accepted: boolean[] = [];
    for (const [i, r] of readings.entries()) {
      const { start: s0, end: e0 } = spans[i];
      const lag = src.id === 'track' ? 0 : bestLag(refEnv, env, Math.floor(s0 / 160), Math.ceil(e0 / 160), lag0 - 20, lag0 + 20);
      const start = Math.max(0, s0 + lag * 160 - sec(CUT_MARGIN_SEC));
      const v = await judge(r, src.pcm.subarray(start, Math.min(src.pcm.length, e0 + lag * 160 + sec(CUT_MARGIN_SEC))));
      count(`${db}|${src.id}|${r.lang}`, r.impostors.length, v);
      accepted.push(v.accepted);
    }
    verdicts.set(src.id, accepted);
    console.log(`${db} dB ${src.id}: aligned at ${(lag0 / 100).toFixed(2)} s`);
  }
  const p = verdicts.get('processed') ?? [];
  const q = verdicts.get('raw') ?? [];
  paired[`${db}`] = { processedOnly: p.filter((x, i) => x && !q[i]).length, rawOnly: q.filter((x, i) => x && !p[i]).length };
}

const pct = (a: number, b: number): string => `${a} of ${b} (${((100 * a) / Math.max(1, b)).toFixed(1)}%)`;
console.log('\nnoise under speech | language | recording | audio checks refuse | digits accepted (after the audio checks) | one-digit-off impostors accepted');
for (const db of NOISE_DB) {
  for (const lang of ['zh', 'en'] as const) {
    for (const id of ['track', ...SETTINGS.map((s) => s.id)]) {
      const t = tally(`${db}|${id}|${lang}`);
      const label = id === 'track' ? 'the track itself (no browser)' : (SETTINGS.find((s) => s.id === id)?.label ?? id);
      console.log(`${db} dB | ${lang} | ${label} | ${t.audioRefused} | ${pct(t.accepted, t.readings)} | ${pct(t.impostorsAccepted, t.impostors)}`);
    }
  }
  console.log(`${db} dB: accepted with processing only ${paired[`${db}`].processedOnly}, raw only ${paired[`${db}`].rawOnly}`);
}
