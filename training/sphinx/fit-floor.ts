/**
 * The Mandarin second reading's fit floor (digits.hmmMinFit) by the rule it was first set by
 * (the config keeps -1.5; its reason there says why): the lowest fit of a correctly read challenge (its margin above 0 in one of the readings, warps 1-1.2, the best fit
 * among those) on exploration readings of the seven real Mandarin voices, rounded down to a
 * tenth. The readings are choose-warps.ts's (the speech evaluation's recipe with seed bases 7000
 * and 9000, 5 per pace and channel, 60 per voice), prepared as the service prepares a recording
 * (speechInput: cut to its speech). It also prints how the margin's two normalisations compare
 * there: frames of the whole recording per frame of the challenge's digits.
 * Run: node --import tsx training/sphinx/fit-floor.ts [../shared/data]   (about 2 minutes)
 */
import { seededRandom } from '../../src/core/seeded-random.js';
import { genuineCases } from '../../src/eval/speech/strings.js';
import { loadVoiceClips, loadVoiceTable, voiceAvailable } from '../../src/eval/speech/voices.js';
import { checkMandarin, vocalTractWarps, warpedReadings } from '../../src/speech/sphinx/index.js';
import { speechInput } from '../../src/speech/verify.js';

const data = process.argv[2] ?? '../shared/data';
const table = await loadVoiceTable();
const fits: number[] = [];
const ratios: number[] = [];
let readings = 0;
for (const base of [7000, 9000]) {
  let seed = base;
  for (const voice of table.voices) {
    seed += 10;
    if (voice.lang !== 'zh' || !voiceAvailable(voice, data)) continue;
    for (const c of await genuineCases(await loadVoiceClips(voice, data), 5, seed)) {
      readings++;
      const checks = [...warpedReadings(speechInput(c.pcm).samples, vocalTractWarps(1.2))].map(({ reading }) => checkMandarin(reading, c.digits, 0));
      const right = checks.filter((k) => k.margin > 0 && k.fit !== null).map((k) => k.fit as number);
      if (right.length > 0) fits.push(Math.max(...right));
      for (const k of checks) ratios.push(k.frames / k.digitFrames);
    }
  }
}
fits.sort((a, b) => a - b);
ratios.sort((a, b) => a - b);
const at = (q: number): string => (ratios[Math.floor(q * (ratios.length - 1))] ?? 0).toFixed(2);
console.log(`${fits.length} of ${readings} readings read right; lowest fits ${fits.slice(0, 5).map((f) => f.toFixed(2)).join(', ')}`);
console.log(`fit floor by the rule: ${Math.floor((fits[0] ?? 0) * 10) / 10}`);
console.log(`frames per digit frame: median ${at(0.5)}, 10th percentile ${at(0.1)}, 90th ${at(0.9)}`);
