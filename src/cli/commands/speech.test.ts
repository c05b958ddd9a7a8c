import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { repoRoot } from '../../eval/data-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-speech-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `livecheck ARGS` from source in a child process (the command exits with its own codes). */
function livecheck(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const main = pathToFileURL(join(repoRoot(), 'src', 'cli', 'main.ts')).href;
  const script = `const { main } = await import(${JSON.stringify(main)}); await main(process.argv);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'livecheck', ...args], {
    cwd: repoRoot(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('speech verify --batch prints one JSON line per row and reports a bad file on its own line', () => {
  const good = join(dir, 'good.wav');
  execFileSync('espeak-ng', ['-v', 'en', '-w', good, 'four, two, six, one']);
  const bad = join(dir, 'bad.wav');
  writeFileSync(bad, 'not audio');
  const csv = join(dir, 'list.csv');
  writeFileSync(csv, `path,digits\n${good},4261\n${bad},1234\n${good},4262\n`);
  const r = livecheck('speech', 'verify', '--batch', csv);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 3);
  assert.deepEqual(Object.keys(lines[0] ?? {}), ['path', 'accepted', 'score', 'modelScore', 'mandarin', 'mandarinFit', 'recognized', 'language']);
  assert.equal(lines[0]?.path, good);
  assert.equal(lines[1]?.error, 'VIDEO_NO_SOUND');
  assert.equal(lines[1]?.accepted, false);
  assert.equal(typeof lines[2]?.score, 'number');
});

test('speech verify with a missing file or bad digits exits 2 with the error code', () => {
  const missing = livecheck('speech', 'verify', '--audio', join(dir, 'nope.wav'), '--digits', '1234', '--json');
  assert.equal(missing.status, 2);
  assert.equal((JSON.parse(missing.stdout) as { error: string }).error, 'INVALID_PARAMETER');
  const wav = join(dir, 'x.wav');
  execFileSync('espeak-ng', ['-v', 'en', '-w', wav, 'one']);
  const badDigits = livecheck('speech', 'verify', '--audio', wav, '--digits', '12x4');
  assert.equal(badDigits.status, 2);
  assert.match(badDigits.stderr, /INVALID_PARAMETER/);
});

test('speech recognize --json prints the digits heard and the language', () => {
  const wav = join(dir, 'r.wav');
  execFileSync('espeak-ng', ['-v', 'en', '-w', wav, 'seven']);
  const r = livecheck('speech', 'recognize', '--audio', wav, '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { digits: string; language: string; confidence: number };
  assert.equal(typeof out.digits, 'string');
  assert.ok(['zh', 'en', 'unknown'].includes(out.language));
});
