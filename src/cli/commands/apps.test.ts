import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Command } from 'commander';
import { macMatches, parseSignature } from '../../auth/signature.js';
import { openSqliteStore } from '../../store/index.js';
import { registerApps } from './apps.js';
import { registerKeys } from './keys.js';
import { registerRecords } from './records.js';
import { registerSign } from './sign.js';

const dataDir = mkdtempSync(join(tmpdir(), 'lc-cli-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs one command line against the temp data dir and returns what it printed. */
async function run(...args: string[]): Promise<string[]> {
  const program = new Command('livecheck').option('-c, --config <file>').option('-d, --data <dir>').exitOverride().configureOutput({ writeErr: () => undefined });
  for (const register of [registerApps, registerKeys, registerSign, registerRecords]) register(program);
  const out: string[] = [];
  const log = console.log;
  console.log = (line: string) => out.push(String(line));
  try {
    await program.parseAsync(['node', 'livecheck', '--data', dataDir, ...args]);
  } finally {
    console.log = log;
  }
  return out;
}

describe('admin commands', () => {
  it('apps create prints the credentials once; apps list never shows the SecretKey', async () => {
    const [line] = await run('apps', 'create', '--appid', '2001', '--services', 'livegetfour', '--rate-limit', '7');
    const creds = JSON.parse(line) as { appid: string; secretId: string; secretKey: string };
    assert.equal(creds.appid, '2001');
    const listed = (await run('apps', 'list')).join('\n');
    assert.match(listed, /"services":\["livegetfour"\]/);
    assert.match(listed, /"rateLimitPerMinute":7/);
    assert.ok(listed.includes(creds.secretId));
    assert.equal(listed.includes(creds.secretKey), false);
  });

  it('apps disable / enable switch the app state', async () => {
    await run('apps', 'disable', '2001');
    assert.match((await run('apps', 'list')).join(''), /"enabled":false/);
    await run('apps', 'enable', '2001');
    assert.match((await run('apps', 'list')).join(''), /"enabled":true/);
    await assert.rejects(run('apps', 'disable', 'nope'), /does not exist/);
  });

  it('keys create adds (or imports) a key pair and keys revoke marks it revoked', async () => {
    const created = JSON.parse((await run('keys', 'create', '2001'))[0]) as { secretId: string };
    const imported = JSON.parse((await run('keys', 'create', '2001', '--secret-id', 'AKIDimported0001', '--secret-key', 'imported-secret-key-1'))[0]);
    assert.deepEqual(imported, { appid: '2001', secretId: 'AKIDimported0001', secretKey: 'imported-secret-key-1' });
    await run('keys', 'revoke', created.secretId);
    assert.match((await run('apps', 'list')).join(''), new RegExp(`"secretId":"${created.secretId}","createdAt":"[^"]+","revokedAt":"20`));
    await assert.rejects(run('keys', 'revoke', created.secretId), /already revoked/);
  });

  it('sign prints a token that verifies, single-use with --once', async () => {
    const [multi] = await run('sign', '--appid', '2001', '--secret-id', 'AKIDx1', '--secret-key', 'key-1', '--ttl', '60');
    const m = parseSignature(multi);
    assert.ok(m.ok && macMatches(m.sig, 'key-1') && m.sig.expiry - m.sig.time === 60);
    const [once] = await run('sign', '--appid', '2001', '--secret-id', 'AKIDx1', '--secret-key', 'key-1', '--once', '/2001/f');
    const o = parseSignature(once);
    assert.ok(o.ok && o.sig.expiry === 0 && o.sig.fileId === '/2001/f');
  });

  it('records lists nothing for a fresh data dir and refuses a bad --since', async () => {
    assert.deepEqual(await run('records'), []);
    await assert.rejects(run('records', '--since', 'yesterday'), /ISO 8601/);
  });

  it('records filters by --appid and --since and prints checks and codes', async () => {
    const sqlite = openSqliteStore(dataDir);
    const store = sqlite.records;
    const base = { endpoint: 'livedetectfour', code: 0, compareStatus: null, score: null, timingsMs: { total: 900 }, message: 'OK' };
    await store.add({ ...base, requestId: 'r-old', appid: '2001', receivedAt: Date.parse('2026-01-01T00:00:00Z'), finishedAt: Date.parse('2026-01-01T00:00:01Z'), liveStatus: 0, checks: [] });
    await store.add({
      ...base,
      requestId: 'r-new',
      appid: '2001',
      receivedAt: Date.parse('2026-02-01T00:00:00Z'),
      finishedAt: Date.parse('2026-02-01T00:00:02Z'),
      liveStatus: -5008,
      checks: [{ name: 'digits', passed: false, score: 0.25 }],
      message: 'VIDEO_AUDIO_RECOG_FAILED',
    });
    await store.add({ ...base, requestId: 'r-other', appid: '3001', receivedAt: Date.parse('2026-02-02T00:00:00Z'), finishedAt: Date.parse('2026-02-02T00:00:00Z'), liveStatus: 0, checks: [] });
    await sqlite.close();
    const lines = await run('records', '--appid', '2001', '--since', '2026-01-15T00:00:00Z');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /r-new\t2001\tlivedetectfour\tcode=0\tlive=-5008\t.*2000ms\tdigits=FAIL\(0\.25\)\tVIDEO_AUDIO_RECOG_FAILED/);
    const json = (await run('records', '--json')).map((l) => JSON.parse(l) as { requestId: string; receivedAt: string });
    assert.deepEqual(json.map((r) => r.requestId), ['r-old', 'r-new', 'r-other']);
    assert.equal(json[0].receivedAt, '2026-01-01T00:00:00.000Z');
  });
});
