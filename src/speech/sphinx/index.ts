import { join } from 'node:path';
import { repoRoot } from '../../core/repo-root.js';
import { loadSphinxModel, senoneScores, type SphinxModel } from './acoustic.js';
import { digitNetwork, networkSenones, phoneLoop, viterbi, type Network } from './decode.js';
import { cepstra, features } from './mfcc.js';

/**
 * A second, independent reading of Mandarin digits: CMU Sphinx's tdt_sc_8k acoustic model,
 * trained on broadcast news by many speakers (models/zh-digits-hmm, converted by
 * training/sphinx/convert.py), searched over four-digit readings. The project's own digit model
 * has heard seven real Mandarin voices; this one has heard many, and it was never tuned on ours.
 * docs/speech.md has what it adds to the digit check and at what cost.
 */

export interface MandarinHmmCheck {
  /** The best four-digit reading (the expected string when it wins). */
  heard: string;
  /** Log score per frame of reading `expected` minus that of the best other four digits (> 0: expected wins). */
  margin: number;
  /** Log score per frame of reading `expected` minus that of the free phone loop (about 0 or above when the digits explain the sound). */
  fit: number;
  /** Frames searched (10 ms each). */
  frames: number;
  /** Where the best reading of `expected` puts each digit, in seconds from the start. */
  words: { digit: string; startSec: number; endSec: number }[];
}

/** One recording's front end and acoustic scores, shared by every string checked against it. */
export interface MandarinReading {
  senones: Float32Array[];
  /** Best log score of any phone sequence (the free phone loop). */
  loop: number;
}

export interface HmmFrontEnd {
  /** Where the loudest frame's c0 sits after normalisation (see features()). */
  c0Offset: number;
}

/**
 * Chosen leave-one-voice-out over the seven real Mandarin voices (each voice's choice made on
 * the other six; 6 of 7 chose this, docs/speech.md), among c0 offsets 10-30 with and without
 * dropping pauses.
 */
export const HMM_FRONT_END: HmmFrontEnd = { c0Offset: 20 };

const FRAME_SEC = 0.01;

/** Fewer frames than this (0.2 s of speech) is too little to read four digits from. */
const MIN_FRAMES = 20;

export const sphinxModelDir = (): string => process.env.LIVECHECK_ZH_HMM || join(repoRoot(), 'models', 'zh-digits-hmm');

let model: SphinxModel | undefined;
let loop: Network | undefined;
let wanted: Set<number> | undefined;

function loaded(): { model: SphinxModel; loop: Network; wanted: Set<number> } {
  model ??= loadSphinxModel(sphinxModelDir());
  loop ??= phoneLoop(model);
  // Every digit network holds every digit in every slot, so one set covers them all.
  wanted ??= new Set([...networkSenones(digitNetwork(model, '0000')), ...networkSenones(loop)]);
  return { model, loop, wanted };
}

/** 16 kHz to 8 kHz: a 63-tap windowed-sinc low-pass at 3.7 kHz, then every other sample. */
export function downsample(pcm16k: Float32Array): Float32Array {
  const taps = 63;
  const half = (taps - 1) / 2;
  const cutoff = 3700 / 16000;
  const h = Float64Array.from({ length: taps }, (_, i) => {
    const k = i - half;
    const sinc = k === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * k) / (Math.PI * k);
    return sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (taps - 1)));
  });
  const padded = new Float32Array(pcm16k.length + 2 * half);
  padded.set(pcm16k, half);
  const out = new Float32Array(Math.floor(pcm16k.length / 2));
  for (let o = 0; o < out.length; o++) {
    let s = 0;
    const at = 2 * o;
    for (let i = 0; i < taps; i++) s += (padded[at + i] as number) * (h[i] as number);
    out[o] = s;
  }
  return out;
}

/** Front end and acoustic scores of a 16 kHz recording (or of `pcm8k` when given); null when too short. */
export function readMandarin(pcm16k: Float32Array, opts: { pcm8k?: Float32Array; frontEnd?: HmmFrontEnd } = {}): MandarinReading | null {
  const { model, loop, wanted } = loaded();
  const fe = opts.frontEnd ?? HMM_FRONT_END;
  const cep = cepstra(opts.pcm8k ?? downsample(pcm16k), model.frontEnd);
  if (cep.length < MIN_FRAMES) return null;
  const senones = senoneScores(model, features(cep, fe.c0Offset), wanted);
  return { senones, loop: viterbi(model, loop, senones).scores[0] ?? -Infinity };
}

/** How well `expected` (four digits or any length) reads from the recording, against every other string of its length. */
export function checkMandarin(reading: MandarinReading, expected: string): MandarinHmmCheck {
  const { model } = loaded();
  const result = viterbi(model, digitNetwork(model, expected), reading.senones);
  const [own = -Infinity, other = -Infinity] = result.scores;
  const t = reading.senones.length;
  const words = (result.words[0] ?? []).filter((w) => w.mark !== 's').map((w) => ({ digit: w.mark, startSec: w.from * FRAME_SEC, endSec: (w.to + 1) * FRAME_SEC }));
  return {
    heard: own >= other ? expected : (result.digits[1] ?? ''),
    margin: (own - other) / t,
    fit: (own - reading.loop) / t,
    frames: t,
    words,
  };
}
