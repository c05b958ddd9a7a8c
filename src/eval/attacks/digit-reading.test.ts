import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { seededRandom } from '../../core/seeded-random.js';
import { SAMPLE_RATE } from '../../media/index.js';
import { findDigitVoices, readDigits } from './digit-reading.js';

const run = promisify(execFile);
let data: string;

/** Two FSDD-named voices: one with all ten digits (0.3 s tones inside 0.2 s of silence each side), one with three. */
before(async () => {
  data = await mkdtemp(join(tmpdir(), 'livecheck-reading-'));
  await mkdir(join(data, 'speech', 'fsdd'), { recursive: true });
  const tone = (f: number, out: string): Promise<unknown> =>
    run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=${f}:d=0.3:sample_rate=8000`, '-af', 'adelay=200,apad=pad_dur=0.2', join(data, 'speech', 'fsdd', out)]);
  for (let d = 0; d < 10; d++) await tone(300 + 40 * d, `${d}_alice_0.wav`);
  for (let d = 0; d < 3; d++) await tone(500, `${d}_bob_0.wav`);
});
after(() => rm(data, { recursive: true, force: true }));

test('voices with at least four different digits are found; others are left out', async () => {
  const voices = (await findDigitVoices(data)).filter((v) => v.name.startsWith('fsdd-'));
  assert.deepEqual(voices.map((v) => [v.name, v.language, v.takes.size]), [['fsdd-alice', 'en', 10]]);
});

test('a reading of four digits is spread over the face\'s talking part, each take cut to its sound', async () => {
  const [voice] = (await findDigitVoices(data)).filter((v) => v.name === 'fsdd-alice');
  const layout = { durationSec: 5, talkFromSec: 0.8, talkToSec: 4.2 };
  const r = await readDigits(voice, seededRandom(3), layout);
  assert.match(r.digits, /^\d{4}$/);
  assert.equal(r.pcm.length, 5 * SAMPLE_RATE);
  assert.deepEqual(r.words.map((w) => w.digit).join(''), r.digits);
  assert.equal(r.sources.length, 4);
  for (const w of r.words) assert.ok(Math.abs(w.endSec - w.startSec - 0.4) < 0.06, `take cut to its 0.3 s tone plus 50 ms each side: ${JSON.stringify(w)}`);
  const gaps = r.words.slice(1).map((w, i) => w.startSec - r.words[i].endSec);
  assert.ok(gaps.every((g) => Math.abs(g - gaps[0]) < 1e-9 && g >= 0.1 && g <= 0.6), `even pauses of 0.1-0.6 s: ${gaps}`);
  assert.ok(r.words[0].startSec >= layout.talkFromSec && r.words[3].endSec <= layout.talkToSec, JSON.stringify(r.words));
  const rms = (from: number, to: number): number => {
    let s = 0;
    for (let i = Math.round(from * SAMPLE_RATE); i < Math.round(to * SAMPLE_RATE); i++) s += r.pcm[i] ** 2;
    return Math.sqrt(s / ((to - from) * SAMPLE_RATE));
  };
  assert.ok(rms(0, 0.5) > 0 && rms(0, 0.5) < 0.001, 'a faint noise floor, not digital silence');
  assert.ok(rms(r.words[1].startSec + 0.1, r.words[1].endSec - 0.1) > 0.05, 'the digit is heard where it is placed');
});
