/**
 * Does quiet around a reading change the digit check's verdict? Readings of the speech
 * evaluation's recipe (clean channel, 4 per pace, seed 77: 12 per voice), each claimed as itself
 * and as 4 strings one digit off (the same strings at every padding), judged by verifyDigits at
 * the configured thresholds after PADS seconds of steady quiet background (uniform noise,
 * about -62 dBFS) are appended. The shipped digit model has heard these voices, so the figures
 * compare paddings, not voices. Before the readings heard the recording cut to its speech and
 * the second reading's margin was per digit frame, 25 s of it took one-digit-off acceptances from
 * 1 to 12 of 240 (docs/decisions.md); run it on an older commit (git worktree) to see that.
 * Run: VOICES=zh-gcin3,zh-ekho-yali PADS=0,10,25 node --import tsx training/speech/padding.ts   (MARGIN overrides digits.hmmMinMargin)
 */
import { resolveThresholds } from '../../src/config/index.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { oneDigitOff } from '../../src/eval/speech/scoring.js';
import { genuineCases } from '../../src/eval/speech/strings.js';
import { loadVoiceClips, loadVoiceTable } from '../../src/eval/speech/voices.js';
import { verifyDigits } from '../../src/speech/index.js';

const th = { ...resolveThresholds().digits, ...(process.env.MARGIN ? { hmmMinMargin: Number(process.env.MARGIN) } : {}) };
const ids = (process.env.VOICES ?? 'zh-gcin3,zh-gcompris-fengjie,zh-audiocmn-chenwang,zh-ekho-yali,en-fsdd-theo').split(',');
const pads = (process.env.PADS ?? '0,10,25').split(',').map(Number);
const data = process.env.DATA ?? '../shared/data';
const table = await loadVoiceTable();
for (const voice of table.voices.filter((v) => ids.includes(v.id))) {
  const readings = (await genuineCases(await loadVoiceClips(voice, data), 4, 77)).filter((c) => c.channel === 'clean');
  for (const pad of pads) {
    const claims = seededRandom(78);
    const background = seededRandom(5);
    let genuine = 0;
    let impostors = 0;
    let trials = 0;
    for (const c of readings) {
      const pcm = new Float32Array(c.pcm.length + pad * 16000);
      pcm.set(c.pcm);
      for (let i = c.pcm.length; i < pcm.length; i++) pcm[i] = (background() - 0.5) * 0.002;
      if ((await verifyDigits(pcm, c.digits, th)).accepted) genuine++;
      for (const s of oneDigitOff(c.digits, claims, 4)) {
        trials++;
        if ((await verifyDigits(pcm, s, th)).accepted) impostors++;
      }
    }
    console.log(`${voice.id} +${pad} s: genuine ${genuine}/${readings.length}, one digit off ${impostors}/${trials}`);
  }
}
