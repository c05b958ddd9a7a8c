import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFile } from 'node:fs/promises';
import type { AudioAnalysis } from '../audio/index.js';
import type { FaceTemplate } from '../core/inference.js';
import { getFaceEmbedder, scorePictureLiveness } from '../compare/index.js';
import { passesFaceGate } from '../compare/face-gate.js';
import { similarityFromTemplates } from '../compare/similarity.js';
import { decodeImage } from '../compare/decode.js';
import { checkAudio } from '../liveness/checks/audio.js';
import { checkDigits } from '../liveness/checks/digits.js';
import { checkFace } from '../liveness/checks/face.js';
import { checkMouth } from '../liveness/checks/mouth.js';
import { checkPresentation } from '../liveness/checks/presentation.js';
import { checkSync } from '../liveness/checks/sync.js';
import { runDigits } from '../liveness/digits-stage.js';
import type { Evidence } from '../liveness/evidence.js';
import { readingEvidence, readingFace, readingVerdict } from '../liveness/lip-fixtures.test-helper.js';
import { probeLimits } from '../liveness/verify.js';
import { createFixtures, facePhoto, type Fixtures } from '../media/fixtures.test-helper.js';
import { MediaError, probeVideo } from '../media/index.js';
import { readAudioFile } from '../speech/index.js';
import { gcinReading } from '../speech/sphinx/mandarin-fixture.test-helper.js';
import { trackFaces, type FaceObservation, type TrackResult } from '../vision/index.js';
import { loadConfig, resolveThresholds, type Thresholds } from './index.js';
import { THRESHOLDS } from './thresholds.js';

/**
 * Every threshold an operator can set takes effect: for each one, the stage that applies it
 * decides differently with the shipped value and with a value set in a config file read the
 * way `serve` reads it (loadConfig, then resolveThresholds). A threshold added to
 * thresholds.ts without a case here fails the first test. How the resolved values reach the
 * worker threads of a running server is tested in src/api/thresholds-serve.test.ts.
 */

let f: Fixtures;
let video480x640: string;
let face: Uint8Array;
let speech: Float32Array;

function mandarin(digits = '0473', formants = 1, tempo = 1.8): Float32Array {
  const pcm = gcinReading(digits, tempo, formants);
  if (!pcm) throw new Error('digits.hmmMinFit is tested on real Mandarin syllables: install the Debian package gcin-voice');
  return pcm;
}

before(async () => {
  f = createFixtures('lc-thresholds-');
  video480x640 = f.ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=480x640:rate=10:duration=2', '-pix_fmt', 'yuv420p'], 'v.mp4');
  face = new Uint8Array(readFileSync(facePhoto(f)));
  speech = await readAudioFile(f.speech('three, five, nine, one'));
});
after(() => f.cleanup());

/** Thresholds as `serve` resolves them from a config file holding `thresholds`. */
function configured(thresholds: Record<string, Record<string, number>>): Thresholds {
  const file = f.path(`config-${Object.keys(thresholds).join('-')}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ thresholds }));
  return resolveThresholds(loadConfig({ file }).thresholds);
}

const noEvidence: Evidence = { info: null, invalidReason: null, pcm: null, audio: null, track: null, fps: 20, attack: null, digits: null, stageMs: {} };

const audio = (a: Partial<AudioAnalysis>): AudioAnalysis => ({
  durationSec: 5,
  peakDb: -20,
  speechLevelDb: -30,
  noiseFloorDb: -55,
  snrDb: 25,
  speechSec: 3,
  segments: [{ start: 0, end: 5 }],
  envelope: new Float32Array(0),
  bandEnvelope: new Float32Array(0),
  envelopeRate: 100,
  ...a,
});

const observation = (t: number, o: Partial<FaceObservation> = {}): FaceObservation => ({
  t,
  faceCount: 1,
  score: 0.9,
  box: { x: 0, y: 0, width: 100, height: 100 },
  mouth: 0.1,
  lips: 0.3,
  shape: null,
  yaw: 0,
  pitch: 0,
  sharpness: 10,
  brightness: 0.5,
  quality: 0.5,
  change: 0.01,
  ...o,
});

const track = (faces: Array<FaceObservation | null>): TrackResult => ({ frameCount: faces.length, width: 480, height: 640, faces, best: [], pad: [], ms: 0 });

/** Mouth and voice loudness that move together, the voice `shiftSec` after the mouth. */
function lipSync(shiftSec: number): Evidence {
  const fps = 20;
  const seconds = 6;
  const rate = 100;
  const signal = (t: number): number => 0.3 + 0.08 * Math.sin(2 * Math.PI * 0.7 * t) + 0.06 * Math.sin(2 * Math.PI * 1.3 * t + 1) + 0.04 * Math.sin(2 * Math.PI * 2.1 * t + 2);
  const faces = Array.from({ length: fps * seconds }, (_, i) => observation(i / fps, { mouth: signal(i / fps), lips: signal(i / fps) }));
  const bandEnvelope = Float32Array.from({ length: rate * seconds }, (_, k) => 10 ** (4 * signal(k / rate - shiftSec) - 2.5));
  return { ...noEvidence, fps, track: track(faces), audio: audio({ bandEnvelope, envelopeRate: rate, segments: [{ start: 0, end: seconds }] }) };
}

/** Decision of one stage under thresholds `th`: a token such as an error name or "OK". */
type Decide = (th: Thresholds) => Promise<string> | string;

const checkResult = (o: { error?: string; report: { passed: boolean | null } }): string => o.error ?? (o.report.passed === null ? 'NOT_RUN' : 'OK');

async function probeDecision(th: Thresholds): Promise<string> {
  try {
    return (await probeVideo(video480x640, probeLimits(th))).resolutionOk ? 'OK' : 'RESOLUTION_TOO_LOW';
  } catch (err) {
    if (err instanceof MediaError) return err.errorName;
    throw err;
  }
}

const faceShare = (share: number): Evidence => ({
  ...noEvidence,
  track: track(Array.from({ length: 20 }, (_, i) => (i < share * 20 ? observation(i / 20) : null))),
});

/** A moving face whose presentation-attack frames all have live probability `live`. */
const presented = (live: number): Evidence => ({
  ...noEvidence,
  track: track([observation(0), observation(0.05), observation(0.1)]),
  attack: { pad: [0, 0.5].map((t) => ({ t, v2: live, v1se: live, live })) },
});

const simBucket = (sim: number): string => (sim >= 80 ? 'sim>=80' : sim >= 70 ? 'sim>=70' : 'sim<70');

/** Two templates at cosine 0.93: between the shipped anchors (sim 71.7). */
const templates: [FaceTemplate, FaceTemplate] = [
  { model: 'm', embedding: [1, 0] },
  { model: 'm', embedding: [0.93, Math.sqrt(1 - 0.93 * 0.93)] },
];

async function trackedFace(th: Thresholds): Promise<string> {
  const frame = await decodeImage(face);
  assert.ok(frame);
  async function* frames() {
    for (let i = 0; i < 3; i++) yield { ...frame!, t: i / 20 };
  }
  const tracked = await trackFaces(frames(), { minFaceScore: th.face.minFaceScore, keepBest: 1, keyframeEvery: 1 });
  return checkResult(checkFace({ ...noEvidence, track: tracked }, th));
}

/** section -> key -> [override, how the decision is made]. */
const CASES: Record<string, Record<string, [number, Decide]>> = {
  video: {
    minShortSide: [500, probeDecision],
    minLongSide: [700, probeDecision],
    maxDurationSec: [1, probeDecision],
  },
  audio: {
    silentPeakDb: [-10, (th) => checkResult(checkAudio({ ...noEvidence, audio: audio({}) }, th))],
    minSpeechLevelDb: [-20, (th) => checkResult(checkAudio({ ...noEvidence, audio: audio({}) }, th))],
    minSnrDb: [30, (th) => checkResult(checkAudio({ ...noEvidence, audio: audio({}) }, th))],
  },
  face: {
    minFaceScore: [1.01, trackedFace],
    minFaceShare: [0.4, (th) => checkResult(checkFace(faceShare(0.5), th))],
    minAnyFaceShare: [0.6, (th) => checkResult(checkFace(faceShare(0.5), th))],
  },
  mouth: {
    minOpeningRange: [0.1, (th) => checkResult(checkMouth({ ...noEvidence, track: track(Array.from({ length: 20 }, (_, i) => observation(i / 20, { mouth: (i % 6) / 100 }))) }, th))],
  },
  digits: {
    minMargin: [1000, async (th) => checkResult(checkDigits({ ...noEvidence, digits: await runDigits(speech, '3591', th.digits) }))],
    // Real Mandarin digits at an unhurried pace, which the digit model itself accepts as Mandarin:
    // judged at the Mandarin threshold (the fast reading below is accepted by the second reading,
    // which puts the score at 0 whatever this threshold is).
    minMarginMandarin: [1000, async (th) => checkResult(checkDigits({ ...noEvidence, digits: await runDigits(mandarin('0473', 1, 1.2), '0473', th.digits) }))],
    // A fast real Mandarin reading that the digit model alone rejects and the second reading accepts.
    hmmMinFit: [5, async (th) => checkResult(checkDigits({ ...noEvidence, digits: await runDigits(mandarin(), '0473', th.digits) }))],
    hmmMinDigitSec: [1, async (th) => checkResult(checkDigits({ ...noEvidence, digits: await runDigits(mandarin(), '0473', th.digits) }))],
    hmmMinMargin: [1, async (th) => checkResult(checkDigits({ ...noEvidence, digits: await runDigits(mandarin(), '0473', th.digits) }))],
    // The same voice with its formants 20% higher (a shorter vocal tract), read only through a warped filterbank.
    hmmMaxWarp: [1, async (th) => checkResult(checkDigits({ ...noEvidence, digits: await runDigits(mandarin('2864', 1.2), '2864', th.digits) }))],
  },
  sync: {
    minScore: [1.01, (th) => checkResult(checkSync(lipSync(0), th))],
    maxLagSec: [0.4, (th) => checkResult(checkSync(lipSync(0.3), th))],
    searchSec: [0.2, (th) => checkResult(checkSync(lipSync(0.3), th))],
    maxOnsetLead: [-3, (th) => checkResult(checkSync(lipSync(0), th))],
    maxLevelLead: [-3, (th) => checkResult(checkSync(lipSync(0), th))],
    // A mouth reading "two, eight, nine, four" with some movement in the pauses (lip-fixtures.test-helper.ts).
    maxPauseMotion: [0.05, (th) => checkResult(checkSync(readingEvidence(readingFace(0.02), null), th))],
    minOpenHeight: [3, (th) => checkResult(checkSync(readingEvidence(readingFace(), readingVerdict(true, '9', [2])), th))],
    maxRoundedWidth: [0.8, (th) => checkResult(checkSync(readingEvidence(readingFace(), readingVerdict(true, '2', [0])), th))],
    minSpreadWidth: [1.2, (th) => checkResult(checkSync(readingEvidence(readingFace(), readingVerdict(true, '8', [1])), th))],
    minDigitShare: [1, (th) => checkResult(checkSync(readingEvidence(readingFace(), readingVerdict(true, '2893')), th))],
  },
  presentation: {
    minLive: [0.99, (th) => checkResult(checkPresentation(presented(0.98), th))],
    minFaceChange: [0.02, (th) => checkResult(checkPresentation(presented(0.98), th))],
  },
  compare: {
    cosineAtSim70: [0.95, (th) => simBucket(similarityFromTemplates(templates[0], templates[1], th.compare))],
    cosineAtSim80: [0.926, (th) => simBucket(similarityFromTemplates(templates[0], templates[1], th.compare))],
    minMeshScore: [1.01, async (th) => {
      const [embedded, picture] = await Promise.all([(await getFaceEmbedder(th.compare)).embedImage(face, 'photo'), scorePictureLiveness(face, th)]);
      return `embed ${embedded.ok ? 'OK' : embedded.error}, picture ${picture.ok ? 'OK' : picture.error}`;
    }],
    // A face found only on a fallback pass (bordered picture, tile) must pass the detector's floor too.
    retryMinDetectorScore: [0.95, (th) => (passesFaceGate({ faceScore: 0.95, boxScore: 0.9 }, th.compare, true) ? 'OK' : 'PHOTO_NO_FACE')],
  },
  picture: {
    // The fixture face scores as live with the shipped threshold; at 1 nothing short of certainty is.
    minLive: [1, async (th) => {
      const r = await scorePictureLiveness(face, th);
      return r.ok ? ((r.score ?? 0) > 87 ? 'live' : 'not live') : String(r.error);
    }],
  },
};

describe('every threshold an operator can set changes the decision of its stage', () => {
  it('has a case for every threshold in src/config/thresholds.ts', () => {
    const keys = (t: Record<string, Record<string, unknown>>) => Object.entries(t).flatMap(([s, v]) => Object.keys(v).map((k) => `${s}.${k}`)).sort();
    assert.deepEqual(keys(CASES), keys(THRESHOLDS));
  });

  const shipped = resolveThresholds();
  for (const [section, keys] of Object.entries(CASES)) {
    for (const [key, [override, decide]] of Object.entries(keys)) {
      it(`${section}.${key}: the shipped value and ${override} from a config file decide differently`, { timeout: 120_000 }, async () => {
        const th = configured({ [section]: { [key]: override } });
        assert.equal((th as Record<string, Record<string, number>>)[section][key], override);
        const before = await decide(shipped);
        const after = await decide(th);
        assert.notEqual(after, before, `${section}.${key}: both decided ${before}`);
      });
    }
  }
});

describe('stages get their thresholds from the resolved config only', () => {
  it('no runtime source file outside src/config imports the static threshold table', async () => {
    const root = join(import.meta.dirname, '..');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ts$/.test(e.name) && !/\.test(-helper)?\.ts$/.test(e.name) && !p.startsWith(join(root, 'config'))) offenders.push(p);
      }
    };
    walk(root);
    const importing: string[] = [];
    for (const file of offenders) {
      const text = await readFile(file, 'utf8');
      // `import type` is erased at build time; any other import of thresholds.ts reads the table.
      if (/^import (?!type )[^;]*config\/thresholds(\.js)?['"]/m.test(text) || /\bTHRESHOLDS\b/.test(text)) importing.push(relative(root, file));
    }
    assert.deepEqual(importing, []);
  });
});
