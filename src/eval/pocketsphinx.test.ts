import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readAudioFile } from '../speech/index.js';
import { pocketsphinxAvailable, pocketsphinxPhones, pocketsphinxWords } from './pocketsphinx.js';

const dir = mkdtempSync(join(tmpdir(), 'livecheck-ps-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const skip = pocketsphinxAvailable() ? false : 'pocketsphinx (Debian pocketsphinx, pocketsphinx-en-us) is not installed';

test('word timings forced to a known sentence come in order, inside the recording, after its leading silence', { skip }, async () => {
  const raw = join(dir, 'raw.wav');
  const wav = join(dir, 'sentence.wav');
  execFileSync('espeak-ng', ['-s', '140', '-w', raw, 'bin blue at f two now']);
  execFileSync('sox', [raw, '-r', '16000', '-c', '1', wav, 'pad', '1.0', '0.5']);
  const pcm = await readAudioFile(wav);
  const words = await pocketsphinxWords(pcm, 'bin blue at f two now');
  assert.deepEqual(words.map((w) => w.word), ['bin', 'blue', 'at', 'f', 'two', 'now']);
  assert.ok(words[0].startSec >= 0.9, `first word at ${words[0].startSec} s, within the 1 s of silence`);
  words.forEach((w, i) => assert.ok(w.endSec > w.startSec && (i === 0 || w.startSec >= words[i - 1].endSec - 1e-9), JSON.stringify(words)));
  assert.ok(words[words.length - 1].endSec <= pcm.length / 16000);
  const phones = await pocketsphinxPhones(['two', 'now']);
  assert.deepEqual(phones.get('two'), ['T', 'UW']);
});
