/**
 * How the digit check holds up under noise, for honest readers and for one-digit-off impostors:
 * the speech evaluation's held-out readings (two per pace of every voice, clean channel) under
 * steady pink noise and under two other talkers (the LibriSpeech and AISHELL-1 sentences of the
 * shared data, looped), at 30, 20, 15 and 10 dB under the speech, each judged after the service's
 * audio checks by the fold model that never heard the voice, at the fold's committed setting
 * (docs/evaluation/speech). The evaluation's own headline has clean and telephone-band readings
 * only; this is the figure for a room.
 *   node --import tsx src/eval/speech-noise.ts [DATA_DIR]
 */
import { resolveThresholds } from '../config/index.js';
import { seededRandom } from '../core/seeded-random.js';
import { SAMPLE_RATE } from '../speech/tokens.js';
import { defaultDataDir } from './data-dir.js';
import { heldOutReadings } from './speech/held-out.js';
import { babble, otherTalkers, pinkNoise, scaled, speechRms } from './speech/noise.js';
import { concat } from './speech/strings.js';

const PER_PACE = 2;
const SNR_DB = [30, 20, 15, 10];
/** Room either side of a reading, as a clip has: the audio checks measure the background there. */
const MARGIN = Math.round(0.75 * SAMPLE_RATE);

const data = process.argv[2] ?? defaultDataDir();
const th = resolveThresholds();
const { readings, judge } = await heldOutReadings(data, PER_PACE, th);

const talkers = await otherTalkers(data);

type Tally = { readings: number; audioRefused: number; accepted: number; impostors: number; impostorsAccepted: number };
const tallies = new Map<string, Tally>();
const conditions: Array<{ id: string; noise: ((n: number, rms: number, rand: () => number) => Float32Array) | null; db: number }> = [
  { id: 'no noise', noise: null, db: Infinity },
  ...SNR_DB.map((db) => ({ id: `pink noise ${db} dB under`, noise: (n: number, rms: number, rand: () => number) => pinkNoise(n, rms, Math.floor(rand() * 1e9)), db })),
  ...(talkers.length > 0 ? SNR_DB.map((db) => ({ id: `${talkers.length} other talkers ${db} dB under`, noise: (n: number, rms: number, rand: () => number) => scaled(babble(talkers, n, rand), rms), db })) : []),
];
console.log(`${readings.length} readings of ${new Set(readings.map((r) => r.voice)).size} voices; ${conditions.length} conditions`);
for (const c of conditions) {
  const rand = seededRandom(7);
  for (const r of readings) {
    const padded = concat([new Float32Array(MARGIN), r.pcm, new Float32Array(MARGIN)]);
    let pcm = padded;
    if (c.noise) {
      const noise = c.noise(padded.length, speechRms(r.pcm) / 10 ** (c.db / 20), rand);
      pcm = padded.map((x, i) => x + noise[i]);
    }
    const v = await judge(r, pcm);
    const key = `${c.id}|${r.lang}`;
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { readings: 0, audioRefused: 0, accepted: 0, impostors: 0, impostorsAccepted: 0 }));
    t.readings++;
    if (!v.audioOk) t.audioRefused++;
    if (v.accepted) t.accepted++;
    t.impostors += r.impostors.length;
    t.impostorsAccepted += v.impostorsAccepted;
  }
  console.error(`done: ${c.id}`);
}

const pct = (a: number, b: number): string => `${a} of ${b} (${((100 * a) / Math.max(1, b)).toFixed(1)}%)`;
console.log('| condition | language | refused by the audio checks | genuine accepted | one-digit-off impostors accepted |');
console.log('|---|---|---|---|---|');
for (const c of conditions) {
  for (const lang of ['zh', 'en'] as const) {
    const t = tallies.get(`${c.id}|${lang}`);
    if (t) console.log(`| ${c.id} | ${lang === 'zh' ? 'Mandarin' : 'English'} | ${t.audioRefused} | ${pct(t.accepted, t.readings)} | ${pct(t.impostorsAccepted, t.impostors)} |`);
  }
}
