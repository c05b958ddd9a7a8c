import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { Command } from 'commander';
import { sharedDataDir } from '../../eval/face/data.js';
import { registerCompare } from './compare.js';
import { registerIdentities } from './identities.js';

const faces = join(sharedDataDir(), 'faces');
const noShared = existsSync(join(faces, 'pairs.csv')) ? false : `shared data not found at ${sharedDataDir()} (set LIVECHECK_SHARED_DATA)`;
const dataDir = mkdtempSync(join(tmpdir(), 'livecheck-cli-face-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the CLI in-process and returns what it printed and the exit code it set. */
async function run(...args: string[]): Promise<{ out: string[]; err: string[]; code: number }> {
  const program = new Command('livecheck').option('-c, --config <file>').option('-d, --data <dir>').exitOverride();
  registerCompare(program);
  registerIdentities(program);
  const log = mock.method(console, 'log', () => undefined);
  const error = mock.method(console, 'error', () => undefined);
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'livecheck', '--data', dataDir, ...args]);
    return {
      out: log.mock.calls.map((c) => String(c.arguments[0])),
      err: error.mock.calls.map((c) => String(c.arguments[0])),
      code: Number(process.exitCode ?? 0),
    };
  } finally {
    log.mock.restore();
    error.mock.restore();
    process.exitCode = 0;
  }
}

describe('livecheck identities', () => {
  it('refuses an invalid ID number with -5804 before reading any model', async () => {
    const photo = join(dataDir, 'blank.jpg');
    writeFileSync(photo, 'x');
    const r = await run('identities', 'add', '--number', '110105194912310021', '--name', '张三', '--photo', photo);
    assert.equal(r.code, 1);
    assert.match(r.err[0], /-5804/);
  });

  it('refuses a photo file that cannot be read with -5805', async () => {
    const r = await run('identities', 'add', '--number', '11010519491231002X', '--name', '张三', '--photo', join(dataDir, 'missing.jpg'));
    assert.equal(r.code, 1);
    assert.match(r.err[0], /-5805/);
  });

  it('enrols, lists and removes an identity', { skip: noShared }, async () => {
    const photo = join(faces, 'face_recognition/examples/obama.jpg');
    assert.equal((await run('identities', 'add', '--number', '11010519491231002x', '--name', 'Barack Obama', '--photo', photo)).code, 0);
    const listed = await run('identities', 'list', '--json');
    assert.equal(listed.out.length, 1);
    assert.deepEqual(
      { number: JSON.parse(listed.out[0]).number, name: JSON.parse(listed.out[0]).name, hasPhoto: JSON.parse(listed.out[0]).hasPhoto },
      { number: '11010519491231002X', name: 'Barack Obama', hasPhoto: false },
    );
    assert.equal((await run('identities', 'remove', '11010519491231002X')).code, 0);
    assert.equal((await run('identities', 'list')).out.length, 0);
    const again = await run('identities', 'remove', '11010519491231002X');
    assert.equal(again.code, 1);
    assert.match(again.err[0], /IDCARD_NOT_ENROLLED/);
  });

  it('answers -4017 when the reference photo has no face', async () => {
    const photo = join(dataDir, 'noise.png');
    const { default: sharp } = await import('sharp');
    await sharp({ create: { width: 200, height: 200, channels: 3, background: '#3a6' } }).png().toFile(photo);
    const r = await run('identities', 'add', '--number', '11010519491231002X', '--name', '张三', '--photo', photo);
    assert.equal(r.code, 1);
    assert.match(r.err[0], /-4017/);
  });
});

describe('livecheck compare', () => {
  it('prints {"sim","similarity"} for two photos with --json', { skip: noShared }, async () => {
    const r = await run('compare', join(faces, 'face_recognition/examples/obama.jpg'), join(faces, 'face_recognition/examples/obama2.jpg'), '--json');
    const parsed = JSON.parse(r.out[0]) as { sim: number; similarity: number };
    assert.deepEqual(Object.keys(parsed), ['sim', 'similarity']);
    assert.equal(parsed.sim, Math.round(parsed.similarity));
    assert.ok(parsed.sim > 70);
  });

  it('prints one JSON line per row of a --batch CSV, errors included', { skip: noShared }, async () => {
    const csv = join(dataDir, 'batch.csv');
    writeFileSync(
      csv,
      `a,b\n${join(faces, 'face_recognition/examples/obama.jpg')},${join(faces, 'face_recognition/examples/biden.jpg')}\n${join(dataDir, 'nope.jpg')},${join(faces, 'face_recognition/examples/biden.jpg')}\n`,
    );
    const r = await run('compare', '--batch', csv);
    assert.equal(r.out.length, 2);
    const [first, second] = r.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(typeof first.sim === 'number' && first.sim < 70);
    assert.equal(second.error, -5805);
  });

  it('refuses a batch file without a and b columns', async () => {
    const csv = join(dataDir, 'bad.csv');
    writeFileSync(csv, 'x,y\n1,2\n');
    const r = await run('compare', '--batch', csv);
    assert.equal(r.code, 2);
    assert.match(r.err[0], /columns a and b/);
  });
});
