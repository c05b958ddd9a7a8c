/**
 * Where should the audio check's noise floor (`audio.minSnrDb`, -5012 "too noisy") sit? It
 * should turn a recording away where the checks after it can no longer judge an honest one,
 * so that the user hears "too noisy" rather than "wrong digits" or "lip-sync failed", and
 * nowhere else: a recording they can still judge is an honest user's chance to pass.
 *
 * Backgrounds of white noise, pink noise and a tone chord (a stand-in for music, not music) are
 * mixed at true SNRs of LEVELS dB (speech RMS over the louder half of 10 ms frames, against the
 * background's RMS) under
 *  - readings of the speech evaluation's recipe (clean channel, 4 per pace, seed 77: 12 per
 *    voice) of VOICES, each claimed as itself and as 2 strings one digit off, judged by
 *    verifyDigits at the configured thresholds (the shipped model has heard these voices: the
 *    figures compare noise levels, not voices), and
 *  - the 11 real talking clips of ../shared/data/video, judged by the mouth and lip-sync checks.
 * Each recording is binned by the SNR the audio check measures on it (what the threshold is
 * compared with), and the rule, fixed before the run: the floor is the lowest bin edge at which,
 * in that bin and every bin above it, the digit check accepts at least half as many honest
 * readings as it does clean, and lip-sync passes at least 80% of the honest clips (a bin with
 * fewer than MIN_READINGS readings or MIN_CLIPS clips is not judged on that part).
 * Competing speech (the AISHELL-1 and LibriSpeech sentences, looped) is mixed too and reported
 * apart: the audio check measures it as speech, not noise, so no floor can catch it.
 * Run: node --import tsx training/speech/snr-floor.ts   (about 10 minutes; VOICES, LEVELS override)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeAudio } from '../../src/audio/index.js';
import { resolveThresholds } from '../../src/config/index.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { oneDigitOff } from '../../src/eval/speech/scoring.js';
import { genuineCases } from '../../src/eval/speech/strings.js';
import { loadVoiceClips, loadVoiceTable } from '../../src/eval/speech/voices.js';
import { checkMouth } from '../../src/liveness/checks/mouth.js';
import { checkSync } from '../../src/liveness/checks/sync.js';
import type { Evidence } from '../../src/liveness/evidence.js';
import { PIPELINE } from '../../src/liveness/settings.js';
import { probeLimits } from '../../src/liveness/verify.js';
import { decodeAudio, decodeFrames, probeVideo, SAMPLE_RATE } from '../../src/media/index.js';
import { verifyDigits } from '../../src/speech/index.js';
import { trackFaces } from '../../src/vision/index.js';

const th = resolveThresholds();
const data = process.env.DATA ?? '../shared/data';
const ids = (process.env.VOICES ?? 'zh-gcin3,zh-gcompris-fengjie,zh-audiocmn-chenwang,zh-ekho-yali,en-fsdd-theo,en-sc-6272b231').split(',');
const levels = (process.env.LEVELS ?? '25,20,15,12,10,8,6,4').split(',').map(Number);
const KINDS = ['white', 'pink', 'chord'] as const;
type Kind = (typeof KINDS)[number] | 'speech';
const BIN_DB = 2;
const limits = { maxDurationSec: 60, timeoutMs: 120_000 };

const rms = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

/** RMS over the louder half of 10 ms frames: the speech, not the pauses. */
function speechRms(x: Float32Array): number {
  const frames: number[] = [];
  for (let i = 0; i + 160 <= x.length; i += 160) frames.push(rms(x.subarray(i, i + 160)));
  frames.sort((a, b) => b - a);
  const loud = frames.slice(0, Math.max(1, Math.ceil(frames.length / 2)));
  return Math.sqrt(loud.reduce((s, v) => s + v * v, 0) / loud.length);
}

const sentences = await Promise.all([
  decodeAudio(join(data, 'speech', 'mandarin', 'aishell-BAC009S0724W0121.wav'), limits),
  decodeAudio(join(data, 'speech', 'english', 'librispeech-1995-1837-0001.wav'), limits),
]);

function background(kind: Kind, n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  const r = seededRandom(seed);
  if (kind === 'white') for (let i = 0; i < n; i++) out[i] = r() - 0.5;
  else if (kind === 'pink') {
    // Paul Kellet's economy filter: white noise to about -3 dB per octave.
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    for (let i = 0; i < n; i++) {
      const w = r() - 0.5;
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      out[i] = b0 + b1 + b2 + w * 0.1848;
    }
  } else if (kind === 'chord') {
    const chords = [[220, 277, 330], [196, 247, 294], [175, 220, 262], [247, 311, 370]];
    for (let i = 0; i < n; i++) {
      const t = i / SAMPLE_RATE + seed;
      const chord = chords[Math.floor(t * 2) % chords.length] as number[];
      out[i] = chord.reduce((s, f) => s + Math.sin(2 * Math.PI * f * t), 0) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t));
    }
  } else {
    for (const [k, s] of sentences.entries()) for (let i = 0; i < n; i++) out[i] = (out[i] as number) + (s[(i + seed * (k + 1) * 7919) % s.length] as number);
  }
  return out;
}

/** The recording with `kind` mixed under it at `snr` dB (Infinity: as it is). */
function mixed(pcm: Float32Array, kind: Kind, snr: number, seed: number): Float32Array {
  if (!Number.isFinite(snr)) return pcm;
  const bg = background(kind, pcm.length, seed);
  const gain = speechRms(pcm) / (rms(bg) * 10 ** (snr / 20));
  return pcm.map((v, i) => Math.max(-1, Math.min(1, v + gain * (bg[i] as number))));
}

interface Row {
  kind: Kind | 'clean';
  level: number;
  measured: number;
  digits?: { genuine: boolean; impostors: number; trials: number };
  sync?: boolean;
  mouth?: boolean;
}
const rows: Row[] = [];
/** Every background at every level, and the recording as it is. */
const conditions: [Kind | 'clean', number][] = [['clean', Infinity], ...[...KINDS, 'speech' as const].flatMap((k) => levels.map((l): [Kind, number] => [k, l]))];

const table = await loadVoiceTable();
for (const voice of table.voices.filter((v) => ids.includes(v.id))) {
  const readings = (await genuineCases(await loadVoiceClips(voice, data), 4, 77)).filter((c) => c.channel === 'clean');
  for (const [kind, level] of conditions) {
    const claims = seededRandom(78);
    for (const [j, c] of readings.entries()) {
      const pcm = kind === 'clean' ? c.pcm : mixed(c.pcm, kind, level, j + 1);
      const genuine = (await verifyDigits(pcm, c.digits, th.digits)).accepted;
      let impostors = 0;
      const off = oneDigitOff(c.digits, claims, 2);
      for (const s of off) if ((await verifyDigits(pcm, s, th.digits)).accepted) impostors++;
      rows.push({ kind, level, measured: analyzeAudio(pcm, SAMPLE_RATE).snrDb, digits: { genuine, impostors, trials: off.length } });
    }
  }
  process.stderr.write(`${voice.id} done\n`);
}

const videos = ['grid', 'talking'].flatMap((dir) => readdirSync(join(data, 'video', dir)).filter((n) => n.endsWith('.mp4')).map((n) => join(data, 'video', dir, n)));
for (const [v, file] of videos.entries()) {
  const info = await probeVideo(file, probeLimits(th));
  const pcm = await decodeAudio(file, limits);
  const track = await trackFaces(decodeFrames(file, info, { ...limits, fps: PIPELINE.fps, longSide: PIPELINE.longSide }), {
    minFaceScore: th.face.minFaceScore,
    keepBest: 1,
    keyframeEvery: PIPELINE.keyframeEvery,
  });
  for (const [kind, level] of conditions) {
    const audio = analyzeAudio(kind === 'clean' ? pcm : mixed(pcm, kind, level, v + 1), SAMPLE_RATE);
    const ev: Evidence = { info, invalidReason: null, pcm: null, audio, track, fps: PIPELINE.fps, attack: null, digits: null, stageMs: {} };
    rows.push({ kind, level, measured: audio.snrDb, sync: checkSync(ev, th).report.passed === true, mouth: checkMouth(ev, th).report.passed === true });
  }
  process.stderr.write(`${file.split('/').pop()} done\n`);
}

const pct = (a: number, b: number): string => (b === 0 ? '-' : `${((100 * a) / b).toFixed(0)}%`);
const cleanDigits = rows.filter((r) => r.kind === 'clean' && r.digits);
const cleanRate = cleanDigits.filter((r) => r.digits?.genuine).length / cleanDigits.length;
const cleanImpostors = cleanDigits.reduce((n, r) => n + (r.digits?.impostors ?? 0), 0);
const cleanTrials = cleanDigits.reduce((n, r) => n + (r.digits?.trials ?? 0), 0);
console.log(`clean: digit check accepts ${pct(cleanDigits.filter((r) => r.digits?.genuine).length, cleanDigits.length)} of ${cleanDigits.length} honest readings and ${cleanImpostors} of ${cleanTrials} one-digit-off claims; lip-sync passes ${rows.filter((r) => r.kind === 'clean' && r.sync).length} of ${rows.filter((r) => r.kind === 'clean' && r.sync !== undefined).length} clips`);

/** Fewest readings (clips) a bin needs for its digit (lip-sync) rate to take part in the rule. */
const MIN_READINGS = 10;
const MIN_CLIPS = 3;

function binTable(kinds: readonly (Kind | 'clean')[], title: string): { edge: number; ok: boolean }[] {
  const noisy = rows.filter((r) => kinds.includes(r.kind));
  const lo = Math.floor(Math.min(...noisy.map((r) => r.measured)) / BIN_DB) * BIN_DB;
  const hi = Math.min(40, Math.ceil(Math.max(...noisy.map((r) => r.measured)) / BIN_DB) * BIN_DB);
  console.log(`\n${title}\n\n| measured SNR (dB) | readings | honest accepted (of clean's rate) | one digit off accepted | clips | lip-sync passes | mouth passes |\n|---|---|---|---|---|---|---|`);
  const out: { edge: number; ok: boolean }[] = [];
  for (let edge = lo; edge < hi; edge += BIN_DB) {
    const inBin = noisy.filter((r) => r.measured >= edge && (r.measured < edge + BIN_DB || (edge + BIN_DB >= hi && r.measured >= edge)));
    const d = inBin.filter((r) => r.digits);
    const s = inBin.filter((r) => r.sync !== undefined);
    const acc = d.filter((r) => r.digits?.genuine).length;
    const imp = d.reduce((n, r) => n + (r.digits?.impostors ?? 0), 0);
    const trials = d.reduce((n, r) => n + (r.digits?.trials ?? 0), 0);
    const sy = s.filter((r) => r.sync).length;
    // A bin of one or two recordings has no rate worth a rule: one refused reading alone at
    // 34-36 dB once set the floor there.
    const relative = d.length >= MIN_READINGS ? acc / d.length / cleanRate : null;
    const syncRate = s.length >= MIN_CLIPS ? sy / s.length : null;
    out.push({ edge, ok: (relative === null || relative >= 0.5) && (syncRate === null || syncRate >= 0.8) });
    console.log(`| ${edge} to ${edge + BIN_DB}${edge + BIN_DB >= hi ? '+' : ''} | ${d.length} | ${pct(acc, d.length)} (${relative === null ? '-' : relative.toFixed(2)}) | ${imp} of ${trials} | ${s.length} | ${pct(sy, s.length)} | ${pct(s.filter((r) => r.mouth).length, s.length)} |`);
  }
  return out;
}

const steady = binTable(KINDS, 'White noise, pink noise and tone chord under the speech, by the SNR the audio check measures:');
let floor = steady.length > 0 ? (steady[steady.length - 1] as { edge: number }).edge + BIN_DB : 0;
for (let i = steady.length - 1; i >= 0 && (steady[i] as { ok: boolean }).ok; i--) floor = (steady[i] as { edge: number }).edge;
console.log(`\nRule: the lowest edge from which every bin upwards keeps the digit check at >= half its clean acceptance and lip-sync at >= 80%: ${floor} dB (configured audio.minSnrDb ${th.audio.minSnrDb}).`);
binTable(['speech'], 'Competing speech (two sentences at once) under the reading, by measured SNR (no noise floor can see it):');
