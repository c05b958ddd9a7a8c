import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { createTestDatabase, POSTGRES_MISSING, testPostgresUrl } from '../core/test-servers.test-helper.js';
import { openPostgresStore, openSqliteStore, type AppRecord, type KeyRecord, type NewSession, type Store, type VerificationRecord } from './index.js';

/**
 * One contract for every store: the embedded SQLite store and the PostgreSQL store must behave
 * the same, including when two processes (here: two stores on one database) race for the same
 * single-use signature, challenge value or session.
 */
interface Backend {
  name: string;
  skip: string | false;
  setUp(): Promise<void>;
  /** An empty store. */
  fresh(): Promise<Store>;
  /** A second store on the database of the last `fresh()` one, as another process would open it. */
  twin(): Promise<Store>;
  tearDown(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'SQLite',
    skip: false,
    setUp: async () => undefined,
    fresh: async () => {
      dirs.push(mkdtempSync(join(tmpdir(), 'lc-store-')));
      return openSqliteStore(dirs[dirs.length - 1]);
    },
    twin: async () => openSqliteStore(dirs[dirs.length - 1]),
    tearDown: async () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  const admin = testPostgresUrl();
  let db: { url: string; drop: () => Promise<void> } | undefined;
  return {
    name: 'PostgreSQL',
    skip: admin ? false : POSTGRES_MISSING,
    setUp: async () => {
      db = await createTestDatabase(admin as string);
    },
    fresh: async () => {
      const store = await openPostgresStore(db!.url);
      const pg = await import('pg');
      const c = new pg.default.Client({ connectionString: db!.url });
      await c.connect();
      await c.query('TRUNCATE apps, app_keys, used_signatures, challenges, identities, records, capture_sessions');
      await c.end();
      return store;
    },
    twin: () => openPostgresStore(db!.url),
    tearDown: async () => db?.drop(),
  };
}

const app = (appid: string, over: Partial<AppRecord> = {}): AppRecord => ({ appid, enabled: true, services: ['livegetfour'], rateLimitPerMinute: null, createdMs: 1000, ...over });
const key = (secretId: string, appid: string, over: Partial<KeyRecord> = {}): KeyRecord => ({ secretId, appid, sealed: randomBytes(48), createdMs: 1000, revokedMs: null, ...over });
const record = (requestId: string, over: Partial<VerificationRecord> = {}): VerificationRecord => ({
  requestId,
  appid: 'a1',
  endpoint: 'livedetectfour',
  receivedAt: 1000,
  finishedAt: 1500,
  code: 0,
  liveStatus: 0,
  compareStatus: null,
  score: 81.5,
  timingsMs: { total: 500 },
  checks: [{ name: 'sync', passed: true }],
  message: 'OK',
  ...over,
});
const session = (over: Partial<NewSession> = {}): NewSession => ({
  id: 's1',
  tokenHash: 'h1',
  appid: 'a1',
  secretId: 'AKID1',
  lang: 'en',
  compare: 'none',
  reference: null,
  redirectUrl: null,
  callbackUrl: 'https://app.test/cb',
  seq: null,
  maxAttempts: 2,
  createdMs: 0,
  expiresMs: 600_000,
  ...over,
});

const TTL = 600_000;
const KEEP = 300_000;
const LEASE = 60_000;

for (const backend of [sqliteBackend(), postgresBackend()]) {
  describe(`store contract: ${backend.name}`, { skip: backend.skip }, () => {
    const open: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const s = await backend.fresh();
      open.push(s);
      return s;
    };
    const twin = async (): Promise<Store> => {
      const s = await backend.twin();
      open.push(s);
      return s;
    };
    before(() => backend.setUp());
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });
    after(() => backend.tearDown());
    const issue = (s: Store, appid: string, now: number) => s.challenges.issue(appid, now, now + TTL, KEEP);

    describe('apps and keys', () => {
      it('creates an app with its first key together, and refuses a taken appid or SecretId without writing anything', async () => {
        const s = await fresh();
        assert.equal(await s.apps.createApp(app('a1'), key('AKID-one', 'a1')), 'created');
        assert.equal(await s.apps.createApp(app('a1'), key('AKID-two', 'a1')), 'appid-taken');
        assert.equal(await s.apps.createApp(app('a2'), key('AKID-one', 'a2')), 'secret-id-taken');
        assert.equal(await s.apps.getApp('a2'), undefined, 'the refused app was not written');
        assert.equal(await s.apps.getKey('AKID-two'), undefined);
        assert.equal(await s.apps.countApps(), 1);
      });

      it('keeps the sealed key bytes, services, limit and state as written', async () => {
        const s = await fresh();
        const k = key('AKID-one', 'a1');
        await s.apps.createApp(app('a1', { services: ['livegetfour', 'idcardcompare'], rateLimitPerMinute: 0 }), k);
        assert.deepEqual(await s.apps.getApp('a1'), app('a1', { services: ['livegetfour', 'idcardcompare'], rateLimitPerMinute: 0 }));
        assert.deepEqual(await s.apps.getKey('AKID-one'), k);
        assert.equal(await s.apps.setEnabled('a1', false), true);
        assert.equal((await s.apps.getApp('a1'))?.enabled, false);
        assert.equal(await s.apps.setEnabled('nope', false), false);
      });

      it('adds keys only to existing apps, revokes a key once and lists keys without their secrets', async () => {
        const s = await fresh();
        await s.apps.createApp(app('a1'), key('AKID-one', 'a1', { createdMs: 1 }));
        assert.equal(await s.apps.addKey(key('AKID-two', 'a1', { createdMs: 2 })), 'created');
        assert.equal(await s.apps.addKey(key('AKID-two', 'a1')), 'secret-id-taken');
        assert.equal(await s.apps.addKey(key('AKID-three', 'nope')), 'no-such-app');
        assert.equal(await s.apps.revokeKey('AKID-two', 5000), true);
        assert.equal(await s.apps.revokeKey('AKID-two', 6000), false);
        assert.equal((await s.apps.getKey('AKID-two'))?.revokedMs, 5000);
        const keys = await s.apps.listKeys();
        assert.deepEqual(
          keys.map((k) => [k.secretId, k.revokedMs]),
          [
            ['AKID-one', null],
            ['AKID-two', 5000],
          ],
        );
        assert.equal(keys.some((k) => 'sealed' in k), false);
      });
    });

    describe('single-use signatures', () => {
      it('lets exactly one of many simultaneous claims of one signature win, also across two processes', async () => {
        const a = await fresh();
        const b = await twin();
        const mac = randomBytes(20);
        const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).replay.claim(mac, 10_000)));
        assert.equal(claims.filter(Boolean).length, 1);
        assert.equal(await a.replay.claim(randomBytes(20), 10_000), true, 'another signature is its own');
      });

      it('forgets a signature once its forget time has passed', async () => {
        const s = await fresh();
        const mac = randomBytes(20);
        await s.replay.claim(mac, 10_000);
        assert.equal(await s.replay.purge(10_000), 0);
        assert.equal(await s.replay.purge(10_001), 1);
        assert.equal(await s.replay.claim(mac, 20_000), true);
      });
    });

    describe('challenges', () => {
      it('issues 4 digits bound to the appid, redeemable once', async () => {
        const s = await fresh();
        const digits = (await issue(s, 'a1', 1000))!;
        assert.match(digits, /^\d{4}$/);
        assert.deepEqual(await s.challenges.redeem('a2', digits, 2000, KEEP), { ok: false, why: 'unknown' });
        assert.equal((await s.challenges.redeem('a1', digits, 2000, KEEP)).ok, true);
        assert.deepEqual(await s.challenges.redeem('a1', digits, 3000, KEEP), { ok: false, why: 'used' });
      });

      it('refuses an expired challenge as expired and a never-issued one as unknown', async () => {
        const s = await fresh();
        const digits = (await issue(s, 'a1', 0))!;
        assert.deepEqual(await s.challenges.redeem('a1', digits, TTL, KEEP), { ok: false, why: 'expired' });
        const other = digits === '0000' ? '0001' : '0000';
        assert.deepEqual(await s.challenges.redeem('a1', other, 1000, KEEP), { ok: false, why: 'unknown' });
      });

      it('purges a challenge the retention time after it expired; until then it answers expired', async () => {
        const s = await fresh();
        const digits = (await issue(s, 'old', 0))!;
        assert.equal(await s.challenges.purge(TTL + KEEP - 1), 0);
        assert.deepEqual(await s.challenges.redeem('old', digits, TTL + KEEP - 1, KEEP), { ok: false, why: 'expired' });
        assert.equal(await s.challenges.purge(TTL + KEEP), 1);
        assert.deepEqual(await s.challenges.redeem('old', digits, TTL + KEEP, KEEP), { ok: false, why: 'unknown' });
      });

      it('draws digits uniformly enough that every digit appears in every position', async () => {
        const s = await fresh();
        const seen = Array.from({ length: 4 }, () => new Set<string>());
        const all = await Promise.all(Array.from({ length: 400 }, (_, i) => issue(s, 'a', i)));
        for (const digits of all) [...digits!].forEach((d, p) => seen[p].add(d));
        for (const set of seen) assert.equal(set.size, 10);
      });

      it('makes every challenge of a burst of concurrent issues redeemable', async () => {
        const s = await fresh();
        const all = await Promise.all(Array.from({ length: 50 }, () => issue(s, 'a', 0)));
        for (const d of all) assert.equal((await s.challenges.redeem('a', d!, 1, KEEP)).ok, true);
      });

      it('never issues a value that is held for the app: all 10000 are distinct, then the space is exhausted', async () => {
        const s = await fresh();
        const first = await Promise.all(Array.from({ length: 5000 }, () => issue(s, 'a1', 0)));
        const rest = await Promise.all(Array.from({ length: 5000 }, () => issue(s, 'a1', 1000)));
        const all = [...first, ...rest];
        assert.equal(new Set(all).size, 10_000);
        assert.equal(all.includes(null), false);
        assert.equal(await issue(s, 'a1', 2000), null);
        assert.match((await issue(s, 'a2', 2000)) ?? '', /^\d{4}$/, 'another app has its own space');
        // A used value stays held for the retention time, an unused one until expiry plus the retention.
        const used = all[0]!;
        assert.equal((await s.challenges.redeem('a1', used, 10_000, KEEP)).ok, true);
        assert.equal(await issue(s, 'a1', 10_000 + KEEP - 1), null, 'used less than the retention time ago: still held');
        assert.equal(await issue(s, 'a1', 10_000 + KEEP + 1), used, 'the only free value');
        assert.equal(await issue(s, 'a1', TTL + KEEP - 1), null);
        assert.match((await issue(s, 'a1', TTL + 1000 + KEEP + 1)) ?? '', /^\d{4}$/);
      });

      it('never gives one value to two processes issuing for one app at the same time', async () => {
        const a = await fresh();
        const b = await twin();
        const both = await Promise.all(Array.from({ length: 600 }, (_, i) => issue(i % 2 ? a : b, 'a1', 0)));
        assert.equal(both.includes(null), false);
        assert.equal(new Set(both).size, both.length);
      });

      it('lets exactly one of two processes redeem a challenge they both present at once', async () => {
        const a = await fresh();
        const b = await twin();
        const digits = (await issue(a, 'a1', 0))!;
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).challenges.redeem('a1', digits, 1, KEEP)));
        assert.equal(results.filter((r) => r.ok).length, 1);
        assert.deepEqual(
          results.filter((r) => !r.ok),
          Array.from({ length: 7 }, () => ({ ok: false, why: 'used' })),
        );
      });

      it('gives a released challenge back for one more use', async () => {
        const s = await fresh();
        const digits = (await issue(s, 'a1', 0))!;
        const r = await s.challenges.redeem('a1', digits, 1, KEEP);
        assert.ok(r.ok);
        await s.challenges.release(r.id, KEEP);
        assert.equal((await s.challenges.redeem('a1', digits, 2, KEEP)).ok, true);
      });
    });

    describe('identities', () => {
      it('stores, replaces, lists and removes an identity by its number', async () => {
        const s = await fresh();
        const id = { number: '11010519491231002X', name: '张三', model: 'm1', embedding: [0.25, -0.5], photoFile: null, enrolledMs: 1000 };
        await s.identities.put(id);
        assert.deepEqual(await s.identities.get(id.number), id);
        await s.identities.put({ ...id, name: '李四', photoFile: 'x.img', enrolledMs: 2000 });
        assert.deepEqual(await s.identities.list(), [{ ...id, name: '李四', photoFile: 'x.img', enrolledMs: 2000 }]);
        assert.equal(await s.identities.remove(id.number), true);
        assert.equal(await s.identities.remove(id.number), false);
        assert.equal(await s.identities.get(id.number), undefined);
      });
    });

    describe('records', () => {
      it('keeps a record as written and replaces the row of the same request', async () => {
        const s = await fresh();
        await s.records.add(record('r1'));
        assert.deepEqual(await s.records.list(), [record('r1')]);
        await s.records.add(record('r1', { code: 213, message: 'client closed the connection' }));
        assert.deepEqual(await s.records.list(), [record('r1', { code: 213, message: 'client closed the connection' })]);
      });

      it('lists oldest first, by app and time, up to the limit', async () => {
        const s = await fresh();
        await s.records.add(record('r3', { receivedAt: 3000 }));
        await s.records.add(record('r1', { receivedAt: 1000, appid: 'a2' }));
        await s.records.add(record('r2', { receivedAt: 2000 }));
        assert.deepEqual((await s.records.list()).map((r) => r.requestId), ['r1', 'r2', 'r3']);
        assert.deepEqual((await s.records.list({ appid: 'a1' })).map((r) => r.requestId), ['r2', 'r3']);
        assert.deepEqual((await s.records.list({ sinceMs: 2000, limit: 1 })).map((r) => r.requestId), ['r2']);
      });

      it('purges the records received before a time', async () => {
        const s = await fresh();
        for (let i = 0; i < 12; i++) await s.records.add(record(`r${i}`, { receivedAt: i }));
        assert.equal(await s.records.purge(10), 10);
        assert.deepEqual((await s.records.list()).map((r) => r.requestId), ['r10', 'r11']);
      });
    });

    describe('capture sessions', () => {
      it('lets only one attempt of a session run at a time, also across two processes', async () => {
        const a = await fresh();
        const b = await twin();
        await a.sessions.create(session());
        const begun = await Promise.all([a.sessions.beginAttempt('s1', 1000, LEASE), b.sessions.beginAttempt('s1', 1000, LEASE)]);
        assert.equal(begun.filter((r) => r.ok).length, 1);
        assert.deepEqual(begun.find((r) => !r.ok), { ok: false, why: 'busy' });
      });

      it("takes an attempt again once a dead verification's lease has run out", async () => {
        const s = await fresh();
        await s.sessions.create(session());
        assert.equal((await s.sessions.beginAttempt('s1', 1000, LEASE)).ok, true);
        const again = await s.sessions.beginAttempt('s1', 1000 + LEASE + 1, LEASE);
        assert.ok(again.ok);
        assert.equal(again.session.attemptsUsed, 2);
      });

      it('gives an abandoned attempt back', async () => {
        const s = await fresh();
        await s.sessions.create(session({ maxAttempts: 1 }));
        assert.equal((await s.sessions.beginAttempt('s1', 1000, LEASE)).ok, true);
        await s.sessions.abandonAttempt('s1');
        assert.equal((await s.sessions.byId('a1', 's1'))?.attemptsUsed, 0);
        assert.equal((await s.sessions.beginAttempt('s1', 1000, LEASE)).ok, true);
      });

      it('stays pending after a failed attempt with attempts left, then fails and queues its callback', async () => {
        const s = await fresh();
        await s.sessions.create(session({ reference: { model: 'm', embedding: [1] } }));
        await s.sessions.beginAttempt('s1', 1000, LEASE);
        const first = await s.sessions.finishAttempt('s1', 2000, { live_status: -5008 }, false);
        assert.deepEqual([first.state, first.callbackState, first.finishedMs], ['pending', 'none', null]);
        await s.sessions.beginAttempt('s1', 3000, LEASE);
        const last = await s.sessions.finishAttempt('s1', 4000, { live_status: -5008 }, false);
        assert.deepEqual([last.state, last.callbackState, last.finishedMs, last.callbackNextMs], ['failed', 'pending', 4000, 4000]);
        assert.equal(last.reference, null, 'the face template is dropped when the session ends');
        assert.deepEqual(last.result, { live_status: -5008 });
        assert.deepEqual(await s.sessions.beginAttempt('s1', 5000, LEASE), { ok: false, why: 'closed' });
      });

      it('refuses attempts and digits once the session has expired, and marks it expired', async () => {
        const s = await fresh();
        await s.sessions.create(session());
        assert.deepEqual(await s.sessions.beginAttempt('s1', 600_000, LEASE), { ok: false, why: 'expired' });
        assert.equal(await s.sessions.setChallenge('s1', '1234', 600_000, 10), false);
        assert.equal(await s.sessions.expireDue(600_000), 1);
        const got = await s.sessions.byId('a1', 's1');
        assert.deepEqual([got?.state, got?.callbackState, got?.finishedMs], ['expired', 'pending', 600_000]);
      });

      it('caps the digits one session can request', async () => {
        const s = await fresh();
        await s.sessions.create(session());
        assert.equal(await s.sessions.setChallenge('s1', '1111', 1, 2), true);
        assert.equal(await s.sessions.setChallenge('s1', '2222', 2, 2), true);
        assert.equal(await s.sessions.setChallenge('s1', '3333', 3, 2), false);
        assert.equal((await s.sessions.byId('a1', 's1'))?.challengeDigits, '2222');
      });

      it('leases a due callback to one claimer until its delivery ends, also across two processes', async () => {
        const a = await fresh();
        const b = await twin();
        await a.sessions.create(session({ maxAttempts: 1 }));
        await a.sessions.beginAttempt('s1', 1000, LEASE);
        await a.sessions.finishAttempt('s1', 2000, { live_status: 0 }, true);
        const claims = await Promise.all([a.sessions.claimCallbacks(2000, 10_000, 8), b.sessions.claimCallbacks(2000, 10_000, 8)]);
        assert.deepEqual(claims.flat().map((s) => [s.id, s.callbackAttempts]), [['s1', 1]]);
        assert.deepEqual(await a.sessions.claimCallbacks(5000, 10_000, 8), []);
        await a.sessions.callbackFailed('s1', 'HTTP 500', 7000);
        assert.deepEqual(await a.sessions.claimCallbacks(6999, 10_000, 8), []);
        assert.equal((await a.sessions.claimCallbacks(7000, 10_000, 8))[0]?.callbackAttempts, 2);
        await a.sessions.callbackFailed('s1', 'HTTP 500', null);
        assert.equal((await a.sessions.byId('a1', 's1'))?.callbackState, 'failed');
        await a.sessions.callbackDelivered('s1');
        assert.equal((await a.sessions.byId('a1', 's1'))?.callbackState, 'delivered');
      });

      it('purges ended sessions after the result lifetime, but not one with a callback still to send', async () => {
        const s = await fresh();
        await s.sessions.create(session({ id: 'done', tokenHash: 'h-done', maxAttempts: 1, callbackUrl: null }));
        await s.sessions.create(session({ id: 'owed', tokenHash: 'h-owed', maxAttempts: 1 }));
        for (const id of ['done', 'owed']) {
          await s.sessions.beginAttempt(id, 1000, LEASE);
          await s.sessions.finishAttempt(id, 2000, { live_status: 0 }, true);
        }
        assert.equal(await s.sessions.purge(3000), 1);
        assert.equal(await s.sessions.byId('a1', 'done'), undefined);
        assert.ok(await s.sessions.byId('a1', 'owed'));
      });

      it('finds a session by its token hash, and by id only under its own appid', async () => {
        const s = await fresh();
        await s.sessions.create(session());
        assert.equal((await s.sessions.byTokenHash('h1'))?.id, 's1');
        assert.ok(await s.sessions.byId('a1', 's1'));
        assert.equal(await s.sessions.byId('a2', 's1'), undefined);
      });
    });

    it('answers a health ping', async () => {
      const s = await fresh();
      await s.ping();
    });
  });
}
