/**
 * How the Mandarin second reading's loudness normalisation (HMM_FRONT_END.c0Offset in
 * src/speech/sphinx/index.ts) was chosen: each real Mandarin voice's readings (60 per voice, the
 * speech evaluation's recipe and seeds with 10 per pace) are read with c0 offsets of 10-30, and
 * each voice's offset is the one that reads most strings right on the other six voices, so no
 * voice's figure comes from an offset chosen on it.
 * Run: node --import tsx training/sphinx/choose-c0.ts [../shared/data]
 */
import { genuineCases } from '../../src/eval/speech/strings.js';
import { loadVoiceClips, loadVoiceTable, voiceAvailable } from '../../src/eval/speech/voices.js';
import { checkMandarin, readMandarin } from '../../src/speech/sphinx/index.js';

const OFFSETS = [10, 15, 20, 25, 30];

async function main(): Promise<void> {
  const data = process.argv[2] ?? '../shared/data';
  const table = await loadVoiceTable();
  const right = new Map<string, number[]>();
  let seed = 100;
  for (const voice of table.voices) {
    seed += 10;
    if (voice.lang !== 'zh' || !voiceAvailable(voice, data)) continue;
    const cases = await genuineCases(await loadVoiceClips(voice, data), 10, seed);
    right.set(voice.id, OFFSETS.map((c0Offset) => cases.filter((c) => {
      const r = readMandarin(c.pcm, { frontEnd: { c0Offset } });
      return r !== null && checkMandarin(r, c.digits, 0).heard === c.digits;
    }).length / cases.length));
    process.stdout.write(`${voice.id.padEnd(22)} ${(right.get(voice.id) ?? []).map((v, i) => `c0 ${OFFSETS[i]}: ${(100 * v).toFixed(1)}%`).join('  ')}\n`);
  }
  const heldOut: number[] = [];
  for (const [id, scores] of right) {
    const others = [...right].filter(([o]) => o !== id);
    const sums = OFFSETS.map((_, i) => others.reduce((a, [, s]) => a + (s[i] ?? 0), 0));
    const best = sums.indexOf(Math.max(...sums));
    heldOut.push(scores[best] ?? 0);
    process.stdout.write(`${id}: chosen on the others c0 ${OFFSETS[best]}, read right ${(100 * (scores[best] ?? 0)).toFixed(1)}%\n`);
  }
  process.stdout.write(`held out: mean ${(100 * heldOut.reduce((a, b) => a + b, 0) / heldOut.length).toFixed(1)}%, worst ${(100 * Math.min(...heldOut)).toFixed(1)}%\n`);
}

void main();
