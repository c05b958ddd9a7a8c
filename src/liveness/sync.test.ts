import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeAudio, type AudioAnalysis } from '../audio/index.js';
import { resolveThresholds } from '../config/index.js';
import { decodeAudio, decodeFrames, probeVideo, SAMPLE_RATE } from '../media/index.js';
import { probeLimits } from './verify.js';
import { sharedData, SHARED_DATA_MISSING } from '../media/fixtures.test-helper.js';
import { faceChange, trackFaces, type TrackResult } from '../vision/index.js';
import { checkFace } from './checks/face.js';
import { checkMouth } from './checks/mouth.js';
import { checkSync } from './checks/sync.js';
import type { Evidence } from './evidence.js';
import { PIPELINE } from './settings.js';

/**
 * Real talking faces from ../shared/data (GRID corpus and talking-head clips): each clip is
 * tracked once, then judged with its own audio (genuine), with every other clip's audio
 * (dubbing) and with its own audio delayed or advanced (replayed out of sync).
 */
const th = resolveThresholds();
const data = sharedData();
const skip = data ? false : SHARED_DATA_MISSING;

interface Clip {
  name: string;
  track: TrackResult;
  audio: AudioAnalysis;
}
const clips: Clip[] = [];

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
    const files = ['grid', 'talking'].flatMap((dir) =>
      readdirSync(join(root, 'video', dir))
        .filter((n) => n.endsWith('.mp4'))
        .map((n) => join(root, 'video', dir, n)),
    );
    for (const file of files) {
      const info = await probeVideo(file, probeLimits(th));
      const limits = { maxDurationSec: th.video.maxDurationSec, timeoutMs: 120_000 };
      const audio = analyzeAudio(await decodeAudio(file, limits), SAMPLE_RATE);
      const track = await trackFaces(decodeFrames(file, info, { ...limits, fps: PIPELINE.fps, longSide: PIPELINE.longSide }), {
        minFaceScore: th.face.minFaceScore,
        keepBest: 1,
        keyframeEvery: PIPELINE.keyframeEvery,
      });
      clips.push({ name: file.split('/').pop() as string, track, audio });
    }
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

  it('fails lip-sync for every clip with another clip\'s audio (dubbing)', { todo: 'not met: 37 of 110 swapped pairs still pass (19 of the 30 GRID-with-GRID pairs), see docs/pipeline.md' }, () => {
    for (const v of clips) {
      for (const a of clips) {
        if (a !== v) assert.equal(syncPasses(v.track, a.audio), false, `${v.name} with ${a.name}'s audio`);
      }
    }
  });

  it('fails lip-sync when the audio is shifted by 0.4 s or more either way', () => {
    for (const c of clips) {
      for (const sec of [-0.5, -0.4, 0.4, 0.5]) assert.equal(syncPasses(c.track, shifted(c.audio, sec)), false, `${c.name} shifted ${sec} s`);
    }
  });
});
