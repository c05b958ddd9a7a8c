import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteStore } from '../store/index.js';
import { AppStore } from './apps.js';
import { loadMasterKey } from './masterkey.js';

describe('apps and keys', () => {
  it('stores SecretKeys encrypted: the database file never holds the key in clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-apps-'));
    try {
      const sqlite = openSqliteStore(dir);
      const store = new AppStore(sqlite.apps, loadMasterKey({ dataDir: dir }));
      const creds = await store.createApp();
      sqlite.db.pragma('wal_checkpoint(TRUNCATE)');
      await sqlite.close();
      const raw = readFileSync(join(dir, 'livecheck.db'));
      assert.equal(raw.includes(Buffer.from(creds.secretKey)), false);
      assert.equal(raw.includes(Buffer.from(creds.secretId)), true);
      const reopened = openSqliteStore(dir);
      const again = new AppStore(reopened.apps, loadMasterKey({ dataDir: dir }));
      assert.equal((await again.lookupKey(creds.secretId))?.secretKey, creds.secretKey);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates the master key once, mode 0600, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-mk-'));
    try {
      const a = loadMasterKey({ dataDir: dir });
      assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
      assert.deepEqual(loadMasterKey({ dataDir: dir }), a);
      assert.throws(() => loadMasterKey({ dataDir: dir, masterKey: 'short' }), /32 bytes/);
      assert.equal(loadMasterKey({ dataDir: dir, masterKey: 'ab'.repeat(32) }).length, 32);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates numeric appids with AKID SecretIds, lists apps without secrets, disables and revokes', async () => {
    const store = new AppStore(openSqliteStore(':memory:').apps, randomBytes(32));
    const creds = await store.createApp({ services: ['livegetfour'], rateLimitPerMinute: 5 });
    assert.match(creds.appid, /^\d{10}$/);
    assert.match(creds.secretId, /^AKID[A-Za-z0-9]{32}$/);
    assert.match(creds.secretKey, /^[A-Za-z0-9]{32}$/);
    await assert.rejects(store.createApp({ appid: creds.appid }), /already exists/);
    const [app] = await store.listApps();
    assert.deepEqual([app.appid, app.enabled, app.services, app.rateLimitPerMinute], [creds.appid, true, ['livegetfour'], 5]);
    assert.equal(JSON.stringify(await store.listKeys()).includes(creds.secretKey), false);
    assert.equal(await store.setEnabled(creds.appid, false), true);
    assert.equal((await store.getApp(creds.appid))?.enabled, false);
    const second = await store.createKey(creds.appid);
    assert.equal(await store.revokeKey(second.secretId), true);
    assert.equal(await store.revokeKey(second.secretId), false);
    assert.equal((await store.lookupKey(second.secretId))?.revoked, true);
    await assert.rejects(store.createKey('nope'), /does not exist/);
  });
});
