/**
 * Does the digit model hear four digits run together, and what helps? 20 four-digit runs of one
 * voice's takes (seed 5), read greedily by MODEL, counted right when exactly the digits: joined
 * end to end ('joined'), with 20/50/100 ms of silence between ('gap*'), brought to 0.25-0.35 s
 * per digit by ffmpeg atempo ('fast', the evaluation's way) or sox tempo ('sox', the training's),
 * and slowed down again ('*-slowed*'). docs/speech.md, nineteenth status.
 * Run: node --import tsx training/speech/run-together.ts zh-gcin3 models/digits.onnx
 */
import { execFileSync } from 'node:child_process';
import { seededRandom } from '../../src/core/seeded-random.js';
import { filterPcm } from '../../src/eval/speech/ffmpeg-pcm.js';
import { concat, faster } from '../../src/eval/speech/strings.js';
import { loadVoiceClips, loadVoiceTable } from '../../src/eval/speech/voices.js';
import { loadSpeechModel } from '../../src/speech/model.js';
import { SAMPLE_RATE } from '../../src/speech/tokens.js';
import { heardDigits, inputPosteriors, speechInput } from '../../src/speech/verify.js';

const [id, modelPath] = process.argv.slice(2);
const table = await loadVoiceTable();
const clips = await loadVoiceClips(table.voices.find((v) => v.id === id)!, '../shared/data');
const model = await loadSpeechModel(modelPath!);
const rand = seededRandom(5);

/** The training's way of reading fast (training/speech/mixer.py fast_run): sox tempo, speech mode. */
function sox(x: Float32Array, f: number): Float32Array {
  const out = execFileSync('sox', ['-t', 'f32', '-r', String(SAMPLE_RATE), '-c', '1', '-', '-t', 'f32', '-', 'tempo', '-s', f.toFixed(3)], { input: Buffer.from(x.buffer, x.byteOffset, x.byteLength), maxBuffer: 1 << 26 });
  return new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4).slice();
}
const slowed = (x: Float32Array, k: number): Promise<Float32Array> => filterPcm(x, SAMPLE_RATE, [`atempo=${k}`], SAMPLE_RATE);

const digitsAvail = [...clips.digits.keys()];
const res: Record<string, [number, number]> = {};
for (let i = 0; i < 20; i++) {
  const ds = Array.from({ length: 4 }, () => digitsAvail[Math.floor(rand() * digitsAvail.length)]!);
  const takes = ds.map((d) => { const a = clips.digits.get(d)!; return a[Math.floor(rand() * a.length)]!; });
  const run = concat(takes);
  const target = (0.25 + rand() * 0.1) * 4 * SAMPLE_RATE;
  const f = run.length / target;
  const pad = new Float32Array(0.3 * SAMPLE_RATE);
  const gapped = (ms: number): Float32Array => concat(takes.flatMap((t, j) => (j ? [new Float32Array((ms * SAMPLE_RATE) / 1000), t] : [t])));
  const fast = await faster(run, f);
  for (const [k, x] of [['sox', sox(run, Math.min(f, 4))], ['gap20', gapped(20)], ['gap50', gapped(50)], ['gap100', gapped(100)], ['fast', fast], ['fast-slowed0.67', await slowed(fast, 0.67)], ['fast-slowed0.5', await slowed(fast, 0.5)], ['joined', run], ['joined-slowed0.67', await slowed(run, 0.67)], ['joined-slowed0.5', await slowed(run, 0.5)]] as const) {
    res[k] ??= [0, 0];
    const p = await inputPosteriors(speechInput(concat([pad, x, pad])), model);
    const want = ds.join('');
    res[k]![0]++; if (heardDigits(p).digits === want) res[k]![1]++;
  }
}
console.log(id, modelPath, JSON.stringify(res));
