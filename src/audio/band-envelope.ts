/**
 * Loudness of the voice band only (300-3000 Hz by default): the formant energy that changes
 * with the mouth opening, without the voicing hum and room rumble below it or the hiss above.
 * Lip-sync against this envelope separated dubbed audio better than against full-band
 * loudness (docs/pipeline.md).
 */

export interface BandEnvelopeOptions {
  lowHz: number;
  highHz: number;
  /** Envelope hop and window in seconds. */
  hopSec: number;
  winSec: number;
}

/** RBJ biquad (Butterworth Q): second-order sections, two per edge for 24 dB/octave. */
function biquad(x: Float32Array, rate: number, kind: 'highpass' | 'lowpass', hz: number): Float32Array {
  const w = (2 * Math.PI * hz) / rate;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / (2 * Math.SQRT1_2);
  const a0 = 1 + alpha;
  const b1 = (kind === 'lowpass' ? 1 - cos : -(1 + cos)) / a0;
  const b0 = b1 * (kind === 'lowpass' ? 0.5 : -0.5);
  const a1 = (-2 * cos) / a0;
  const a2 = (1 - alpha) / a0;
  const y = new Float32Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = b0 * x[i] + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x[i];
    y2 = y1;
    y1 = v;
    y[i] = v;
  }
  return y;
}

/** Frame RMS of the band-passed signal, one value per hop. */
export function bandEnvelope(pcm: Float32Array, rate: number, opts: BandEnvelopeOptions): Float32Array {
  let x = pcm;
  for (const [kind, hz] of [['highpass', opts.lowHz], ['highpass', opts.lowHz], ['lowpass', opts.highHz], ['lowpass', opts.highHz]] as const) {
    x = biquad(x, rate, kind, hz);
  }
  const hop = Math.round(rate * opts.hopSec);
  const win = Math.round(rate * opts.winSec);
  const frames = Math.max(0, Math.floor((x.length - win) / hop) + 1);
  const out = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * hop; i < f * hop + win; i++) sum += x[i] * x[i];
    out[f] = Math.sqrt(sum / win);
  }
  return out;
}
