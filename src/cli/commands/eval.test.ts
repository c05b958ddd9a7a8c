import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { commandLine, registerEval } from './eval.js';

/** Runs `livecheck <args>` on a program with the global -d/--data option of main.ts. */
async function run(args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  const program = new Command('livecheck').option('-d, --data <dir>', 'data directory').exitOverride();
  registerEval(program);
  const log = mock.method(console, 'log', () => undefined);
  const error = mock.method(console, 'error', () => undefined);
  const before = process.exitCode;
  try {
    await program.parseAsync(args, { from: 'user' });
    const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
    return {
      out: log.mock.calls.map((c) => c.arguments.join(' ')).join('\n'),
      err: error.mock.calls.map((c) => c.arguments.join(' ')).join('\n'),
      exitCode,
    };
  } finally {
    log.mock.restore();
    error.mock.restore();
    process.exitCode = before;
  }
}

test('a missing data folder is reported as DATA_NOT_FOUND with exit code 2, not a stack trace', async () => {
  const r = await run(['eval', '--data', '/nonexistent/livecheck-data', '--out', '/tmp/livecheck-eval-unused']);
  assert.equal(r.exitCode, 2);
  assert.match(r.err, /^error: DATA_NOT_FOUND: no video\/ folder in \/nonexistent\/livecheck-data/);
  assert.doesNotMatch(r.err, /\n\s+at /);
});

test('--json reports the failure as a JSON error object', async () => {
  const r = await run(['eval', '--data', '/nonexistent/livecheck-data', '--json']);
  assert.deepEqual(JSON.parse(r.out), {
    ok: false,
    error: { code: 'DATA_NOT_FOUND', message: 'no video/ folder in /nonexistent/livecheck-data: pass --data with the shared evaluation data' },
  });
});

test('--data reaches eval whether given before or after the command name', async () => {
  const after = await run(['eval', '--data', '/nonexistent/after']);
  assert.match(after.err, /\/nonexistent\/after/);
  const before = await run(['--data', '/nonexistent/before', 'eval']);
  assert.match(before.err, /\/nonexistent\/before/);
});

test('a non-numeric option value is refused with BAD_OPTION', async () => {
  const r = await run(['eval', '--data', '/nonexistent/x', '--max-sources', '0']);
  assert.equal(r.exitCode, 2);
  assert.match(r.err, /BAD_OPTION: --max-sources must be a positive integer/);
});

test('--attacks refuses an attack type it does not know, naming the known ones', async () => {
  const r = await run(['eval', '--data', '/nonexistent/x', '--attacks', 'print-photo,hologram']);
  assert.equal(r.exitCode, 2);
  assert.match(r.err, /BAD_OPTION: --attacks: unknown attack type hologram \(known: wrong-digits, .*print-photo/);
});

test('the recorded command is rebuilt from the options given, in a form a shell accepts', async () => {
  const program = new Command('livecheck').option('-d, --data <dir>', 'data directory');
  registerEval(program);
  let seen = '';
  const evalCmd = program.commands.find((c) => c.name() === 'eval');
  assert.ok(evalCmd);
  evalCmd.action((_o: unknown, cmd: Command) => {
    seen = commandLine(cmd);
  });
  await program.parseAsync(['eval', '--data', '../shared/data', '--out', 'my out', '--max-sources', '4', '--no-speech'], { from: 'user' });
  assert.equal(seen, "livecheck eval --data ../shared/data --out 'my out' --max-sources 4 --no-speech");
});
