import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../store/db.js';
import { AppStore } from './apps.js';
import { loadMasterKey } from './masterkey.js';

describe('apps and keys', () => {
  it('stores SecretKeys encrypted: the database file never holds the key in clear', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-apps-'));
    try {
      const db = openDatabase(dir);
      const store = new AppStore(db, loadMasterKey({ dataDir: dir }));
      const creds = store.createApp();
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const raw = readFileSync(join(dir, 'livecheck.db'));
      assert.equal(raw.includes(Buffer.from(creds.secretKey)), false);
      assert.equal(raw.includes(Buffer.from(creds.secretId)), true);
      const again = new AppStore(openDatabase(dir), loadMasterKey({ dataDir: dir }));
      assert.equal(again.lookupKey(creds.secretId)?.secretKey, creds.secretKey);
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

  it('creates numeric appids with AKID SecretIds, lists apps without secrets, disables and revokes', () => {
    const store = new AppStore(openDatabase(':memory:'), randomBytes(32));
    const creds = store.createApp({ services: ['livegetfour'], rateLimitPerMinute: 5 });
    assert.match(creds.appid, /^\d{10}$/);
    assert.match(creds.secretId, /^AKID[A-Za-z0-9]{32}$/);
    assert.match(creds.secretKey, /^[A-Za-z0-9]{32}$/);
    assert.throws(() => store.createApp({ appid: creds.appid }), /already exists/);
    const [app] = store.listApps();
    assert.deepEqual([app.appid, app.enabled, app.services, app.rateLimitPerMinute], [creds.appid, true, ['livegetfour'], 5]);
    assert.equal(JSON.stringify(store.listKeys()).includes(creds.secretKey), false);
    assert.equal(store.setEnabled(creds.appid, false), true);
    assert.equal(store.getApp(creds.appid)?.enabled, false);
    const second = store.createKey(creds.appid);
    assert.equal(store.revokeKey(second.secretId), true);
    assert.equal(store.revokeKey(second.secretId), false);
    assert.equal(store.lookupKey(second.secretId)?.revoked, true);
    assert.throws(() => store.createKey('nope'), /does not exist/);
  });
});
