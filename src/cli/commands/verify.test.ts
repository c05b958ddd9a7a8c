import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { createFixtures, writeBytes, type Fixtures } from '../../media/fixtures.test-helper.js';
import { registerVerify } from './verify.js';

let f: Fixtures;
before(() => {
  f = createFixtures('lc-cli-verify-');
});
after(() => f.cleanup());

async function run(args: string[]): Promise<string> {
  const program = new Command('livecheck').option('-c, --config <file>').exitOverride();
  registerVerify(program);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    await program.parseAsync(['node', 'livecheck', ...args]);
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

describe('livecheck verify', () => {
  it('prints the livedetectfour response data with every check in details (--json)', async () => {
    const out = await run(['verify', writeBytes(f, 'junk.mp4', randomBytes(10_000)), '--digits', '9532', '--json']);
    const data = JSON.parse(out) as { live_status: number; live_msg: string; details: { checks: { name: string }[] } };
    assert.equal(data.live_status, -5001);
    assert.equal(data.live_msg, 'VIDEO_INVALID');
    assert.deepEqual(data.details.checks.map((c) => c.name), ['video', 'audio', 'face', 'mouth', 'digits', 'sync', 'presentation']);
  });

  it('adds compare_status when a card is given: after a failed liveness check it repeats the failure', async () => {
    const card = writeBytes(f, 'card.jpg', randomBytes(100));
    const out = await run(['verify', writeBytes(f, 'junk2.mp4', randomBytes(10_000)), '--digits', '9532', '--card', card, '--json']);
    const data = JSON.parse(out) as { live_status: number; compare_status: number; compare_msg: string; sim?: number };
    assert.deepEqual([data.live_status, data.compare_status, data.compare_msg, data.sim], [-5001, -5001, 'VIDEO_INVALID', undefined]);
  });

  it('refuses digits that are not digits', async () => {
    await assert.rejects(run(['verify', 'x.mp4', '--digits', 'abcd', '--json']), /not a string of digits/);
  });
});
