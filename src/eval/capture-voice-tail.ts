import { VOICE_TAIL, VoiceTail, levelDb } from '../capture/web/voice-tail.js';
import { seededRandom } from '../core/seeded-random.js';
import { SAMPLE_RATE } from '../speech/tokens.js';
import { defaultDataDir } from './data-dir.js';
import { genuineCases, type Pace } from './speech/strings.js';
import { loadVoiceClips, loadVoiceTable, voiceAvailable } from './speech/voices.js';

/**
 * The figures behind the capture page's "keep recording while the reader is still speaking"
 * (src/capture/web/voice-tail.ts): real digit readings of every voice in the speech table
 * (spliced from their takes at the three paces, clean and through the phone channel, as the
 * speech evaluation builds them), placed in a recording so that the reading ends either before
 * the planned end (the page must not wait) or after it (the page must keep the last digit),
 * over background noise at 30 dB and at 13 dB (the service's -5012 floor) under the speech.
 * The page's meter is simulated: a 1024-sample window at 48 kHz (21 ms) every 50 ms.
 *   node --import tsx src/eval/capture-voice-tail.ts [DATA_DIR]
 */
const HOP_MS = 50;
const WINDOW = Math.round((1024 / 48000) * SAMPLE_RATE);
const EDGE_SEC = 0.3; // the silence genuineCases leaves around each reading
const PER_PACE = 3;

interface Outcome {
  scenario: 'ended' | 'cut';
  snrDb: number;
  pace: Pace;
  /** Seconds from the end of the speech to the planned end (ended, negative) or past it (cut, positive). */
  overSec: number;
  stopMs: number;
  speechEndMs: number;
}

function noise(n: number, rms: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * rms * Math.sqrt(3);
  return out;
}

const rms = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

/** When the page would stop recording the reading `speech` whose end lies at `speechEndSec` of the recording. */
function stopAt(speech: Float32Array, speechEndSec: number, snrDb: number, rand: () => number): number {
  const total = Math.round((VOICE_TAIL.maxMs / 1000 + 0.5) * SAMPLE_RATE);
  const at = Math.round(speechEndSec * SAMPLE_RATE) - speech.length;
  const voiced = speech.subarray(Math.round(EDGE_SEC * SAMPLE_RATE), speech.length - Math.round(EDGE_SEC * SAMPLE_RATE));
  const rec = noise(total, rms(voiced) * 10 ** (-snrDb / 20) + 3e-4, rand);
  for (let i = 0; i < speech.length; i++) if (at + i >= 0 && at + i < total) rec[at + i] = (rec[at + i] as number) + (speech[i] as number);
  const tail = new VoiceTail();
  for (let t = HOP_MS; ; t += HOP_MS) {
    const end = Math.round((t / 1000) * SAMPLE_RATE);
    tail.push(levelDb(rec.subarray(Math.max(0, end - WINDOW), end)), t);
    if (tail.shouldStop(t)) return t;
  }
}

const data = process.argv[2] ?? defaultDataDir();
const table = await loadVoiceTable();
const voices = table.voices.filter((v) => voiceAvailable(v, data));
if (voices.length === 0) {
  console.log(`no voices of training/speech/voices.json found under ${data}: nothing to measure`);
  process.exit(0);
}
const outcomes: Outcome[] = [];
const rand = seededRandom(4242);
for (const [i, v] of voices.entries()) {
  const cases = await genuineCases(await loadVoiceClips(v, data), PER_PACE, 50_000 + i);
  for (const c of cases) {
    const speechSec = c.pcm.length / SAMPLE_RATE - 2 * EDGE_SEC;
    for (const snrDb of [30, 13]) {
      // Ended: the last digit ends 0.3-2.5 s before the planned end. Cut: the reader began at least
      // 0.5 s before the planned end and the last digit ends 0.1-2.5 s after it.
      for (const [scenario, over] of [['ended', -(0.3 + 2.2 * rand())], ['cut', 0.1 + 2.4 * rand()]] as const) {
        const speechEndSec = VOICE_TAIL.plannedMs / 1000 + over;
        const startSec = speechEndSec - speechSec;
        if (startSec < 0.3 || (scenario === 'cut' && startSec > VOICE_TAIL.plannedMs / 1000 - 0.5)) continue;
        const stopMs = stopAt(c.pcm, speechEndSec + EDGE_SEC, snrDb, rand);
        outcomes.push({ scenario, snrDb, pace: c.pace, overSec: over, stopMs, speechEndMs: speechEndSec * 1000 });
      }
    }
  }
}

const pct = (a: number, b: number): string => `${a} of ${b} (${((100 * a) / Math.max(1, b)).toFixed(1)}%)`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(`${voices.length} voices, ${outcomes.length} placed readings; planned ${VOICE_TAIL.plannedMs} ms, longest ${VOICE_TAIL.maxMs} ms, quiet ${VOICE_TAIL.quietMs} ms`);
for (const snrDb of [30, 13]) {
  const ended = outcomes.filter((o) => o.scenario === 'ended' && o.snrDb === snrDb);
  const waited = ended.filter((o) => o.stopMs > VOICE_TAIL.plannedMs);
  const cut = outcomes.filter((o) => o.scenario === 'cut' && o.snrDb === snrDb);
  const kept = cut.filter((o) => o.stopMs >= o.speechEndMs);
  const before = cut.filter((o) => o.stopMs === VOICE_TAIL.plannedMs);
  const capped = cut.filter((o) => o.stopMs >= VOICE_TAIL.maxMs);
  console.log(
    `SNR ${snrDb} dB: reading ended 0.3-2.5 s before the planned end: recording went on in ${pct(waited.length, ended.length)}` +
      (waited.length ? ` (median ${median(waited.map((o) => o.stopMs - VOICE_TAIL.plannedMs))} ms, longest ${Math.max(...waited.map((o) => o.stopMs - VOICE_TAIL.plannedMs))} ms more)` : '') +
      `; reading under way at the planned end, ending 0.1-2.5 s after it: last digit kept whole in ${pct(kept.length, cut.length)} ` +
      `(stopped a median ${Math.round(median(kept.map((o) => o.stopMs - o.speechEndMs)))} ms after the speech), stopped at the planned end anyway ${pct(before.length, cut.length)}, ` +
      `ran to the longest recording ${pct(capped.length, cut.length)}`,
  );
  for (const pace of ['slow', 'normal', 'fast']) {
    const p = cut.filter((o) => o.pace === pace);
    console.log(`  ${pace}: kept whole ${pct(p.filter((o) => o.stopMs >= o.speechEndMs).length, p.length)}`);
  }
}
