import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveThresholds } from '../config/index.js';
import type { ErrorName } from '../core/errors.js';
import { checkAudio } from '../liveness/checks/audio.js';
import type { Evidence } from '../liveness/evidence.js';
import { createFixtures, sharedData, SHARED_DATA_MISSING, type Fixtures } from '../media/fixtures.test-helper.js';
import { analyzeAudio } from './index.js';

const th = resolveThresholds();
let f: Fixtures;
let speech: string;

before(() => {
  f = createFixtures('lc-audio-');
  speech = f.speech('nine five three two, one eight four seven');
});
after(() => f.cleanup());

/** 16 kHz mono float PCM of any input, through an optional ffmpeg filter graph. */
function pcm(inputs: string[], filter?: string): Float32Array {
  const args = ['-v', 'error', ...inputs.flatMap((i) => (i.startsWith('lavfi:') ? ['-f', 'lavfi', '-i', i.slice(6)] : ['-i', i]))];
  if (filter) args.push('-filter_complex', filter);
  const buf = execFileSync('ffmpeg', [...args, '-ac', '1', '-ar', '16000', '-f', 'f32le', '-'], { maxBuffer: 64 * 1024 * 1024 });
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

function verdict(samples: Float32Array): { passed: boolean | null; error?: ErrorName } {
  const ev = { info: null, invalidReason: null, audio: analyzeAudio(samples, 16000), stageMs: {} } as unknown as Evidence;
  const o = checkAudio(ev, th);
  return { passed: o.report.passed, error: o.error };
}

describe('audio checks', () => {
  it('passes clear speech and finds its speech segments', () => {
    const twoPhrases = pcm([speech, speech], '[0:a]apad=pad_dur=0.7[a0];[a0][1:a]concat=n=2:v=0:a=1');
    const a = analyzeAudio(twoPhrases, 16000);
    assert.ok(a.segments.length >= 2, `segments: ${a.segments.length}`);
    assert.ok(a.speechSec > 1, `speech ${a.speechSec} s`);
    assert.deepEqual(verdict(pcm([speech])), { passed: true, error: undefined });
  });

  it('answers -5007 for digital silence and for faint room hiss', () => {
    assert.equal(verdict(pcm(['lavfi:anullsrc=r=16000:cl=mono:d=3'])).error, 'NO_SOUND');
    assert.equal(verdict(pcm(['lavfi:anoisesrc=a=0.003:c=pink:d=3'])).error, 'NO_SOUND');
  });

  it('answers -5013 for speech 30 dB below normal', () => {
    assert.equal(verdict(pcm([speech], '[0:a]volume=-30dB')).error, 'TOO_QUIET');
  });

  it('answers -5012 for speech under loud noise, and for noise alone', () => {
    const noisy = pcm([speech, 'lavfi:anoisesrc=a=0.15:c=white:d=10'], '[0:a][1:a]amix=inputs=2:duration=first:normalize=0');
    assert.equal(verdict(noisy).error, 'TOO_NOISY');
    assert.equal(verdict(pcm(['lavfi:anoisesrc=a=0.1:c=pink:d=3'])).error, 'TOO_NOISY');
  });

  it('keeps speech with mild background noise', () => {
    const mild = pcm([speech, 'lavfi:anoisesrc=a=0.005:c=pink:d=10'], '[0:a][1:a]amix=inputs=2:duration=first:normalize=0');
    assert.equal(verdict(mild).passed, true);
  });

  const data = sharedData();
  it('passes every real recording: GRID and talking-head audio, LibriSpeech, AISHELL', { skip: data ? false : SHARED_DATA_MISSING }, () => {
    const root = data as string;
    const files = [
      ...['bbaf2n', 'brbk7n', 'lbax4n', 'lrwp9a', 'sbia1a', 'sbwe5n'].map((n) => join(root, 'video', 'grid', `${n}.mp4`)),
      ...['WDA_AlexandriaOcasioCortez_000', 'WDA_KatieHill_000', 'retalking_1', 'retalking_2', 'retalking_3'].map((n) => join(root, 'video', 'talking', `${n}.mp4`)),
      join(root, 'speech', 'english', 'librispeech-1995-1837-0001.wav'),
      join(root, 'speech', 'mandarin', 'aishell-BAC009S0724W0121.wav'),
    ];
    for (const file of files) assert.equal(verdict(pcm([file])).passed, true, file);
  });
});
