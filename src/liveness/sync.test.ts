import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeAudio, type AudioAnalysis } from '../audio/index.js';
import { resolveThresholds } from '../config/index.js';
import { seededRandom } from '../core/seeded-random.js';
import {
  clipWords,
  dubbedDigitCases,
  leaveOneClipOut,
  pauseRatio,
  pauseThreshold,
  SPIKE_POSITION,
  syllableMatches,
  syllableRows,
  syllableThresholds,
  syncWith,
  type DubbedCase,
  type StudyClip,
  type StudyWord,
  type SyllableRow,
} from '../eval/lip-study.js';
import { decodeAudio, decodeFrames, probeVideo, SAMPLE_RATE } from '../media/index.js';
import { probeLimits } from './verify.js';
import { sharedData, SHARED_DATA_MISSING } from '../media/fixtures.test-helper.js';
import { verifyDigits, type DigitVerdict } from '../speech/index.js';
import { pocketsphinxAvailable } from '../eval/pocketsphinx.js';
import { faceChange, trackFaces, type TrackResult } from '../vision/index.js';
import { checkFace } from './checks/face.js';
import { checkMouth } from './checks/mouth.js';
import { checkSync, digitsRequired } from './checks/sync.js';
import { digitSync } from './digit-sync.js';
import type { Evidence } from './evidence.js';
import { PIPELINE } from './settings.js';

/**
 * Real talking faces from ../shared/data (GRID corpus and talking-head clips): each clip is
 * tracked once, then judged with its own audio (genuine), with every other clip's audio
 * (dubbing), with its own audio delayed or advanced (replayed out of sync), and with four
 * digits read by another voice (dubbed digits).
 */
const th = resolveThresholds();
const data = sharedData();
const skip = data ? false : SHARED_DATA_MISSING;

interface Clip {
  name: string;
  track: TrackResult;
  audio: AudioAnalysis;
  study: StudyClip;
}
const clips: Clip[] = [];
let dubbed: DubbedCase[] = [];
const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
/** Share of genuine syllables of a vowel class the shape thresholds may leave out. */
const SHAPE_TAIL = 0.05;
const NO_POCKETSPHINX = 'pocketsphinx (Debian pocketsphinx, pocketsphinx-en-us) is not installed';
let timedWords: Promise<Map<string, StudyWord[]>> | undefined;
/** Word timings of every clip by pocketsphinx, computed once for the tests that need them. */
function wordsOfClips(): Promise<Map<string, StudyWord[]>> {
  timedWords ??= (async () => {
    const words = new Map<string, StudyWord[]>();
    for (const c of clips) words.set(c.name, await clipWords(c.study));
    return words;
  })();
  return timedWords;
}

function evidence(track: TrackResult, audio: AudioAnalysis): Evidence {
  return { info: null, invalidReason: null, pcm: null, audio, track, fps: PIPELINE.fps, attack: null, digits: null, stageMs: {} };
}

/** The same recording with its sound moved by `sec` (positive: the sound comes later). */
function shifted(audio: AudioAnalysis, sec: number): AudioAnalysis {
  const k = Math.round(Math.abs(sec) * audio.envelopeRate);
  const move = (env: Float32Array): Float32Array => (sec > 0 ? Float32Array.from([...new Float32Array(k), ...env]) : env.slice(k));
  return { ...audio, envelope: move(audio.envelope), bandEnvelope: move(audio.bandEnvelope), segments: audio.segments.map((s) => ({ start: s.start + sec, end: s.end + sec })) };
}

const syncScore = (track: TrackResult, audio: AudioAnalysis): number => checkSync(evidence(track, audio), th).report.score ?? 0;
const syncPasses = (track: TrackResult, audio: AudioAnalysis): boolean => checkSync(evidence(track, audio), th).report.passed === true;

describe('face, mouth and lip-sync on real talking faces', { skip }, () => {
  before(async () => {
    const root = data as string;
    const transcripts = new Map(
      readFileSync(join(root, 'video', 'grid', 'transcripts.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
        const [file, sentence, digit] = l.trim().split(',');
        return [file, { sentence, digit }] as const;
      }),
    );
    const files = ['grid', 'talking'].flatMap((dir) =>
      readdirSync(join(root, 'video', dir))
        .filter((n) => n.endsWith('.mp4'))
        .map((n) => join(root, 'video', dir, n)),
    );
    for (const file of files) {
      const info = await probeVideo(file, probeLimits(th));
      const limits = { maxDurationSec: th.video.maxDurationSec, timeoutMs: 120_000 };
      const pcm = await decodeAudio(file, limits);
      const audio = analyzeAudio(pcm, SAMPLE_RATE);
      const track = await trackFaces(decodeFrames(file, info, { ...limits, fps: PIPELINE.fps, longSide: PIPELINE.longSide }), {
        minFaceScore: th.face.minFaceScore,
        keepBest: 1,
        keyframeEvery: PIPELINE.keyframeEvery,
      });
      const name = file.split('/').pop() as string;
      const grid = transcripts.get(name);
      const study = { name, grid: grid !== undefined, sentence: grid?.sentence ?? null, digit: grid?.digit ?? null, faces: track.faces, fps: PIPELINE.fps, audio, pcm };
      clips.push({ name, track, audio, study });
    }
    dubbed = await dubbedDigitCases(clips.map((c) => c.study), root, 6, seededRandom(12), th.digits);
  });

  it('finds all 11 clips', () => {
    assert.equal(clips.length, 11);
  });

  it('passes the face, mouth-movement and lip-sync checks on every genuine clip', (t) => {
    for (const c of clips) {
      const ev = evidence(c.track, c.audio);
      assert.equal(checkFace(ev, th).report.passed, true, `${c.name}: face`);
      assert.equal(checkMouth(ev, th).report.passed, true, `${c.name}: mouth`);
      const sync = checkSync(ev, th).report;
      const lead = Number(sync.extra?.onsetOutsideScore) - Number(sync.extra?.onsetScore);
      const levelLead = Number(sync.extra?.outsideScore) - Number(sync.score);
      t.diagnostic(`${c.name}: sync ${sync.score} (lag ${String(sync.extra?.lagMs)} ms), lead outside the lag range: onset ${lead.toFixed(3)}, level ${levelLead.toFixed(3)}`);
      assert.equal(sync.passed, true, `${c.name}: sync ${sync.score}`);
    }
  });

  it('sees enough face-box change on every genuine clip for the presentation check', (t) => {
    const changes = clips.map((c) => faceChange(c.track.faces) ?? 0);
    t.diagnostic(`face change per frame: lowest genuine ${Math.min(...changes).toFixed(5)} (threshold ${th.presentation.minFaceChange})`);
    for (const [i, c] of clips.entries()) assert.ok(changes[i] >= th.presentation.minFaceChange, `${c.name}: ${changes[i]}`);
  });

  it('reports the separation between genuine and swapped audio', (t) => {
    const genuine = clips.map((c) => syncScore(c.track, c.audio));
    const pairs = clips.flatMap((v) => clips.filter((a) => a !== v).map((a) => ({ v, a })));
    const swapped = pairs.map(({ v, a }) => syncScore(v.track, a.audio));
    const rejected = pairs.filter(({ v, a }) => !syncPasses(v.track, a.audio)).length;
    const grid = (c: Clip): boolean => !c.name.includes('_');
    const passingGridPairs = pairs.filter(({ v, a }) => grid(v) && grid(a) && syncPasses(v.track, a.audio)).length;
    const shifts = clips.flatMap((c) => [-0.5, -0.4, 0.4, 0.5].map((sec) => syncPasses(c.track, shifted(c.audio, sec))));
    t.diagnostic(`lowest genuine ${Math.min(...genuine)}, highest swapped ${Math.max(...swapped)}, swapped rejected ${rejected}/${swapped.length}, passing GRID-with-GRID pairs ${passingGridPairs}/30`);
    t.diagnostic(`audio shifted by 0.4-0.5 s rejected ${shifts.filter((p) => !p).length}/${shifts.length}`);
    // Cases whose mouth barely moved during the shifted speech have no score and no lead.
    const leads = clips
      .flatMap((c) =>
        [-0.5, -0.4, 0.4, 0.5].map((sec) => {
          const x = checkSync(evidence(c.track, shifted(c.audio, sec)), th).report.extra;
          return Number(x?.onsetOutsideScore) - Number(x?.onsetScore);
        }),
      )
      .filter(Number.isFinite);
    t.diagnostic(`onset lead outside the lag range, audio shifted by 0.4-0.5 s: ${Math.min(...leads).toFixed(3)} to ${Math.max(...leads).toFixed(3)}`);
    const near = clips.flatMap((c) => [-0.3, 0.3].map((sec) => syncPasses(c.track, shifted(c.audio, sec))));
    t.diagnostic(`audio shifted by 0.3 s rejected ${near.filter((p) => !p).length}/${near.length}`);
    assert.ok(Math.min(...genuine) >= th.sync.minScore);
  });

  it('keeps the mouth resting in the pauses of the speech on every genuine clip, with the threshold chosen leave-one-clip-out', (t) => {
    const ratios = clips.map((c) => ({ name: c.name, ratio: pauseRatio(c.study, c.audio) }));
    const judged = ratios.filter((r): r is { name: string; ratio: number } => r.ratio !== null);
    t.diagnostic(`pause motion, genuine: ${ratios.map((r) => `${r.name} ${r.ratio === null ? 'n/a (too few pause frames)' : r.ratio.toFixed(3)}`).join(', ')}`);
    for (const held of judged) {
      const limit = pauseThreshold(judged.filter((r) => r !== held).map((r) => r.ratio));
      t.diagnostic(`${held.name} held out: ${held.ratio.toFixed(3)} against ${limit.toFixed(3)} from the other clips`);
      assert.ok(held.ratio <= limit, `${held.name} held out: ${held.ratio} > ${limit}`);
    }
    t.diagnostic(`threshold from all clips ${pauseThreshold(judged.map((r) => r.ratio)).toFixed(3)} (configured ${th.sync.maxPauseMotion})`);
    const pairs = clips.flatMap((v) => clips.filter((a) => a !== v).map((a) => pauseRatio(v.study, a.audio)));
    const judgedPairs = pairs.filter((r): r is number => r !== null);
    t.diagnostic(`pause motion, swapped audio: ${judgedPairs.filter((r) => r > th.sync.maxPauseMotion).length} of ${judgedPairs.length} judged pairs above the threshold (${pairs.length - judgedPairs.length} with too few pause frames)`);
  });

  it('fails lip-sync for most faces dubbed with another clip\'s audio (at most 26 of 110 swapped pairs pass; was 37)', (t) => {
    const pairs = clips.flatMap((v) => clips.filter((a) => a !== v).map((a) => ({ v, a })));
    const passing = pairs.filter(({ v, a }) => syncPasses(v.track, a.audio));
    const grid = (c: Clip): boolean => c.study.grid;
    t.diagnostic(`swapped pairs passing lip-sync: ${passing.length}/110 (GRID with GRID ${passing.filter(({ v, a }) => grid(v) && grid(a)).length}/30)`);
    assert.ok(passing.length <= 26, `${passing.length} swapped pairs pass: ${passing.map(({ v, a }) => `${v.name}+${a.name}`).join(', ')}`);
  });

  it('fails lip-sync for most faces dubbed with four digits read by another voice (dubbed digits)', (t) => {
    const failedParts = new Map<string, number>();
    let passing = 0;
    let heard = 0;
    let heardPassing = 0;
    for (const d of dubbed) {
      const face = clips.find((c) => c.name === d.face) as Clip;
      const sync = syncWith(face.study, d.audio, d.verdict, th).report;
      const ok = sync.passed === true && checkMouth(evidence(face.track, d.audio), th).report.passed === true;
      for (const p of (sync.extra?.parts as { part: string; passed: boolean | null }[]).filter((x) => x.passed === false)) failedParts.set(p.part, (failedParts.get(p.part) ?? 0) + 1);
      passing += ok ? 1 : 0;
      if (d.verdict.accepted) {
        heard++;
        heardPassing += ok ? 1 : 0;
      }
      if (ok) t.diagnostic(`passes: ${d.face} with ${d.reading.voice} reading ${d.reading.digits} (digits heard: ${d.verdict.accepted})`);
    }
    t.diagnostic(`dubbed digits passing mouth and lip-sync: ${passing}/${dubbed.length}; the speech model heard the digits in ${heard}, of which ${heardPassing} pass (the per-digit part judges only those)`);
    t.diagnostic(`failed parts: ${[...failedParts].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    assert.ok(dubbed.length >= 60, `only ${dubbed.length} dubbed cases built`);
    assert.ok(passing <= 9, `${passing} of ${dubbed.length} dubbed-digit cases pass`);
  });

  it('passes the per-digit evidence for every GRID clip\'s own digit; with another GRID clip\'s audio most pairs fail lip-sync', { skip: pocketsphinxAvailable() ? false : NO_POCKETSPHINX }, async (t) => {
    const grid = clips.filter((c) => c.study.grid);
    const words = await wordsOfClips();
    const shape = { minOpenHeight: th.sync.minOpenHeight, maxRoundedWidth: th.sync.maxRoundedWidth, minSpreadWidth: th.sync.minSpreadWidth };
    const counts = { own: 0, other: 0, syncOwn: 0, syncOther: 0, heardOwn: 0, heardOther: 0, modelOwn: 0, modelOther: 0 };
    for (const v of grid) {
      for (const a of grid) {
        const word = (words.get(a.name) ?? []).find((w) => w.word === DIGIT_WORDS[Number(a.study.digit)]) as StudyWord;
        const spike = word.startSec + SPIKE_POSITION * (word.endSec - word.startSec);
        const lagSec = Number(syncWith(v.study, a.audio, null, th).report.extra?.lagMs ?? 0) / 1000;
        const segments = [{ digit: a.study.digit as string, startSec: spike, endSec: spike }];
        const found = digitSync({ segments, language: 'en', faces: v.track.faces, fps: PIPELINE.fps, envelope: a.audio.bandEnvelope, envelopeRate: a.audio.envelopeRate, lagSec }, shape);
        const passes = (found?.matched ?? 0) >= digitsRequired(1, th.sync.minDigitShare);
        // The whole sync decision as if the speech stage had heard the digit where pocketsphinx puts it.
        const timed: DigitVerdict = { accepted: true, score: 0, threshold: 0, modelScore: 0, mandarin: null, mandarinFit: null, recognized: a.study.digit as string, language: 'en', perDigit: [1], segments: segments.map((x) => ({ ...x, score: 1 })) };
        const syncPassed = syncWith(v.study, a.audio, timed, th).report.passed === true;
        const verdict = await verifyDigits(a.study.pcm, a.study.digit as string, th.digits);
        const part = (syncWith(v.study, a.audio, verdict, th).report.extra?.parts as { part: string; passed: boolean | null }[]).find((p) => p.part === 'digits');
        const mine = v === a;
        counts[mine ? 'own' : 'other'] += passes ? 1 : 0;
        counts[mine ? 'syncOwn' : 'syncOther'] += syncPassed ? 1 : 0;
        counts[mine ? 'heardOwn' : 'heardOther'] += verdict.accepted ? 1 : 0;
        counts[mine ? 'modelOwn' : 'modelOther'] += part?.passed === true ? 1 : 0;
        if (mine) assert.ok(passes, `${v.name}: its own "${word.word}" does not pass: ${JSON.stringify(found?.digits)}`);
      }
    }
    t.diagnostic(`timing from pocketsphinx (forced to the transcript): own audio passes the per-digit evidence ${counts.own}/6, another clip's audio ${counts.other}/30; the whole sync decision (whole-clip rules and the per-digit part) passes ${counts.syncOwn}/6 own and ${counts.syncOther}/30 other`);
    assert.equal(counts.syncOwn, 6);
    assert.ok(counts.syncOther <= 14, `${counts.syncOther} of 30 GRID pairs with another clip's audio pass lip-sync`);
    t.diagnostic(`timing from the digit model: it hears the digit in ${counts.heardOwn}/6 own and ${counts.heardOther}/30 other pairs; the per-digit part passes ${counts.modelOwn} and ${counts.modelOther} of those`);
  });

  it('chooses the per-digit shape thresholds leave-one-clip-out on real syllables, and every held-out run of four passes', { skip: pocketsphinxAvailable() ? false : NO_POCKETSPHINX }, async (t) => {
    const rows = syllableRows(clips.map((c) => c.study), await wordsOfClips(), th);
    const genuine = rows.filter((r) => r.own);
    const other = rows.filter((r) => !r.own);
    const heldOut = leaveOneClipOut(rows, SHAPE_TAIL, th.sync.minDigitShare);
    for (const h of heldOut) {
      const x = h.thresholds;
      t.diagnostic(`${h.clip} held out: ${h.matched}/${h.syllables} syllables, ${h.groupsPassing}/${h.groups} runs of four (open >= ${x.minOpenHeight.toFixed(3)}, rounded <= ${x.maxRoundedWidth.toFixed(3)}, spread >= ${x.minSpreadWidth.toFixed(3)})`);
    }
    const all = syllableThresholds(genuine, SHAPE_TAIL);
    const configured = { minOpenHeight: th.sync.minOpenHeight, maxRoundedWidth: th.sync.maxRoundedWidth, minSpreadWidth: th.sync.minSpreadWidth };
    t.diagnostic(`from all ${genuine.length} genuine syllables: open >= ${all.minOpenHeight.toFixed(3)}, rounded <= ${all.maxRoundedWidth.toFixed(3)}, spread >= ${all.minSpreadWidth.toFixed(3)}; configured ${JSON.stringify(configured)}`);
    t.diagnostic(`with the configured thresholds: genuine syllables fitting ${genuine.filter((r) => syllableMatches(r, configured)).length}/${genuine.length}, other speech over the same faces fitting ${other.filter((r) => syllableMatches(r, configured)).length}/${other.length}`);
    const gap = (xs: SyllableRow[]): string => {
      const v = xs.map((r) => Math.abs(r.onsetGapSec ?? NaN)).filter(Number.isFinite).sort((p, q) => p - q);
      return `median ${v[Math.floor(v.length / 2)]?.toFixed(2)} s, 90th percentile ${v[Math.floor(0.9 * (v.length - 1))]?.toFixed(2)} s`;
    };
    t.diagnostic(`|mouth onset - sound onset|: genuine ${gap(genuine)}, other speech ${gap(other)}`);
    t.diagnostic(`genuine syllables without any opening rise: ${genuine.filter((r) => r.rise <= 0).length}/${genuine.length}`);
    const closure = (xs: SyllableRow[]): string => {
      const v = xs.map((r) => r.closure).filter((c): c is number => c !== null).sort((p, q) => p - q);
      return `median ${v[Math.floor(v.length / 2)]?.toFixed(2)} (n ${v.length})`;
    };
    t.diagnostic(`smallest inner-lip gap over the clip median, genuine: bilabial words ${closure(genuine.filter((r) => r.labial === 'bilabial'))}, labiodental ${closure(genuine.filter((r) => r.labial === 'labiodental'))}, others ${closure(genuine.filter((r) => r.labial === null))}`);
    const strict = leaveOneClipOut(rows, SHAPE_TAIL, 1);
    t.diagnostic(`held-out runs of four with all four fitting: ${strict.reduce((s, h) => s + h.groupsPassing, 0)}/${strict.reduce((s, h) => s + h.groups, 0)}`);
    assert.equal(heldOut.reduce((s, h) => s + h.groupsPassing, 0), heldOut.reduce((s, h) => s + h.groups, 0));
  });

  it('fails lip-sync when the audio is shifted by 0.4 s or more either way', () => {
    for (const c of clips) {
      for (const sec of [-0.5, -0.4, 0.4, 0.5]) assert.equal(syncPasses(c.track, shifted(c.audio, sec)), false, `${c.name} shifted ${sec} s`);
    }
  });
});
