import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spreadIndices } from '../core/spread.js';
import { buildCases, EvalInputError, otherDigits, type BuiltCases } from './cases.js';
import { ATTACKS } from './attacks/index.js';
import { resolveThresholds } from '../config/index.js';

const run = promisify(execFile);
const { video } = resolveThresholds();
let root: string;
let data: string;
let built: BuiltCases;
const progress: string[] = [];

async function ff(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args]);
}

/** A tiny data folder shaped like ../shared/data: one GRID-sized clip, one big enough, ten digits. */
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'livecheck-cases-'));
  data = join(root, 'data');
  for (const d of ['video/grid', 'video/talking', 'speech/fsdd']) await mkdir(join(data, d), { recursive: true });
  const clip = (size: string, out: string): Promise<void> =>
    ff(['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=25:d=1`, '-f', 'lavfi', '-i', 'sine=f=300:d=1', '-pix_fmt', 'yuv420p', '-shortest', out]);
  await clip('180x144', join(data, 'video/grid/aaa1n.mp4'));
  await clip('480x480', join(data, 'video/talking/bbb.mp4'));
  for (let d = 0; d < 10; d++) await ff(['-f', 'lavfi', '-i', `sine=f=${200 + 50 * d}:d=0.1:sample_rate=8000`, join(data, `speech/fsdd/${d}_x_0.wav`)]);
  await writeFile(join(data, 'video/grid/transcripts.csv'), 'file,sentence,spoken_digit\r\naaa1n.mp4,bin blue at a one now,1\r\n');
  built = await buildCases({ dataDir: data, workDir: join(root, 'work'), video, maxSources: 1, presentationVariants: 1, onProgress: (l) => progress.push(l) });
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('every real clip becomes a bona fide case judged on everything but digits', () => {
  const genuine = built.cases.filter((c) => c.kind === 'genuine');
  assert.deepEqual(genuine.map((c) => c.id), ['genuine-grid-aaa1n', 'genuine-talking-bbb']);
  for (const c of genuine) {
    assert.ok(!c.judgedBy.includes('digits'));
    assert.match(c.digits, /^\d{4}$/);
  }
});

test('a clip under the SPEC minimum is upscaled and the report is told so', () => {
  assert.ok(built.notes.some((n) => /video\/grid\/aaa1n\.mp4 is 180x144.*upscaled to 480x384/.test(n)), built.notes.join('\n'));
  assert.ok(built.notes.some((n) => /no spoof\/ folder/.test(n)));
});

test('each attack kind is built for the chosen clip (dubbed digits by up to two voices), labelled with its type and judging', () => {
  const attacks = built.cases.filter((c) => c.kind === 'attack');
  const dubbedDigits = attacks.filter((c) => c.attack === 'dubbed-digits').length;
  // Debian's gcin-voice, when installed, adds two Mandarin voices to the fixture's one.
  assert.ok(dubbedDigits >= 1 && dubbedDigits <= 2, `${dubbedDigits} dubbed-digits cases`);
  assert.deepEqual(
    attacks.filter((c) => c.attack !== 'dubbed-digits').map((c) => c.attack).sort(),
    ['audio-shift-0.5s', 'audio-shift-1s', 'dubbing', 'heavy-reencode', 'low-resolution', 'no-audio', 'phone-replay', 'print-photo', 'replayed-voice', 'screen-recapture', 'screen-replay', 'silent-audio', 'still-photo', 'warped-photo', 'wrong-digits'],
  );
  for (const c of attacks) {
    assert.ok(existsSync(c.videoPath), c.id);
    assert.deepEqual(c.judgedBy, ATTACKS[c.attack ?? 'dubbing'].judgedBy);
  }
  const dub = attacks.find((c) => c.attack === 'dubbing');
  assert.deepEqual(dub?.sources, ['video/grid/aaa1n.mp4', 'video/talking/bbb.mp4']);
});

test('wrong-digits cases speak four recordings that differ from the challenge in every position', () => {
  const wd = built.cases.find((c) => c.attack === 'wrong-digits');
  assert.ok(wd);
  const spoken = wd.sources.filter((s) => s.startsWith('speech/fsdd/')).map((s) => s.split('/').pop()?.[0]);
  assert.equal(spoken.length, 4);
  spoken.forEach((d, i) => assert.notEqual(d, wd.digits[i]));
});

test('dubbed-digits cases read the challenge in another voice over the face; replayed-voice cases take the GRID clip\'s own digit as the challenge', async () => {
  const dd = built.cases.find((c) => c.attack === 'dubbed-digits' && c.sources.some((s) => s.startsWith('speech/fsdd/')));
  assert.ok(dd, 'the fixture voice reads one of the dubbed cases');
  assert.equal(dd.sources[0], 'video/grid/aaa1n.mp4');
  const read = dd.sources.slice(1).map((s) => s.split('/').pop()?.[0]).join('');
  assert.equal(read, dd.digits, 'the recordings spoken are the challenge');
  assert.ok(!dd.judgedBy.includes('digits') && dd.judgedBy.includes('sync'));
  const info = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', dd.videoPath]);
  assert.deepEqual(info.stdout.trim().split('\n').sort(), ['audio', 'video']);
  const rv = built.cases.filter((c) => c.attack === 'replayed-voice');
  assert.deepEqual(rv.map((c) => [c.id, c.digits, c.sources]), [['replayed-voice-grid-aaa1n+talking-bbb', '1', ['video/grid/aaa1n.mp4', 'video/talking/bbb.mp4']]]);
});

test('a frame of each clip is a bona fide photo for picture liveness', () => {
  assert.deepEqual(built.pictures.map((p) => [p.id, p.kind]), [['frame-grid-aaa1n', 'genuine'], ['frame-talking-bbb', 'genuine']]);
});

test('a second build in the same work dir reuses the media and picks the same challenges', async () => {
  const seen: string[] = [];
  const again = await buildCases({ dataDir: data, workDir: join(root, 'work'), video, maxSources: 1, presentationVariants: 1, onProgress: (l) => seen.push(l), reuse: true });
  assert.equal(seen.filter((l) => l.startsWith('generate')).length, 0);
  assert.equal(seen.filter((l) => l.startsWith('reuse')).length, built.cases.filter((c) => c.kind === 'attack').length);
  assert.deepEqual(again.cases.map((c) => [c.id, c.digits]), built.cases.map((c) => [c.id, c.digits]));
});

test('a data folder without video/ is refused with DATA_NOT_FOUND', async () => {
  await assert.rejects(buildCases({ dataDir: join(root, 'nothing'), workDir: join(root, 'w2'), video }), (e: unknown) => e instanceof EvalInputError && e.code === 'DATA_NOT_FOUND');
});

test('helpers: other digits differ everywhere, and sources are spread over the list', () => {
  let x = 0;
  const rng = (): number => (x = (x + 0.37) % 1);
  for (const d of ['0000', '9999', '1234']) [...otherDigits(d, rng)].forEach((o, i) => assert.notEqual(o, d[i]));
  assert.deepEqual(spreadIndices(11, 3), [0, 3, 7]);
  assert.deepEqual(spreadIndices(2, 5), [0, 1]);
});
