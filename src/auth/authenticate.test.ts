import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { ApiError } from '../core/errors.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { AppStore } from './apps.js';
import { Authenticator } from './authenticate.js';
import { MemoryRateLimitStore } from './ratelimit.js';
import { ReplayStore } from './replay.js';
import { signToken } from './signature.js';
import { MULTI, SECRET_ID, SECRET_KEY, SINGLE, TRUNCATED, WITH_U } from './spec-vectors.test-helper.js';


let nowMs = 1437995650_000;
let apps: AppStore;
let auth: Authenticator;

async function codeOf(fn: () => Promise<unknown>): Promise<number> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    return err.def.code;
  }
  return 0;
}

/** An authenticator on the test clock with the service's default skew and signature lifetime. */
function authenticator(db: Store, store: AppStore, extra: { defaultRateLimitPerMinute: number; cacheMs?: number }): Authenticator {
  return new Authenticator({
    apps: store,
    replay: new ReplayStore(db.replay),
    rateLimits: new MemoryRateLimitStore(),
    clock: () => nowMs,
    clockSkewSec: 300,
    maxSignatureTtlSec: 92 * 24 * 3600,
    ...extra,
  });
}

beforeEach(async () => {
  nowMs = 1437995650_000;
  const db = openSqliteStore(':memory:');
  apps = new AppStore(db.apps, randomBytes(32), () => nowMs);
  await apps.createApp({ appid: '200001', key: { secretId: SECRET_ID, secretKey: SECRET_KEY }, rateLimitPerMinute: 0 });
  auth = authenticator(db, apps, { defaultRateLimitPerMinute: 600 });
});

describe('authentication (SPEC "Signature" and request-level codes)', () => {
  it('accepts the three SPEC vectors at their own time (injected clock)', async () => {
    assert.equal(await codeOf(() => auth.authenticate(MULTI, 'livegetfour', '200001')), 0);
    assert.equal(await codeOf(() => auth.authenticate(SINGLE, 'livegetfour', '200001')), 0);
    nowMs = 1436077120_000;
    assert.equal(await codeOf(() => auth.authenticate(WITH_U, 'livegetfour', '200001')), 0);
  });

  it('answers 4 for a missing or blank header and 5 for the truncated sample', async () => {
    assert.equal(await codeOf(() => auth.authenticate(undefined, 'livegetfour')), 4);
    assert.equal(await codeOf(() => auth.authenticate('  ', 'livegetfour')), 4);
    assert.equal(await codeOf(() => auth.authenticate(TRUNCATED, 'livegetfour')), 5);
  });

  it('answers 6 when the body appid differs from the signed one', async () => {
    assert.equal(await codeOf(() => auth.authenticate(MULTI, 'livegetfour', '200002')), 6);
  });

  it('answers 9 once a multi-use signature has expired, and for t far in the future', async () => {
    nowMs = 1437995705_000;
    assert.equal(await codeOf(() => auth.authenticate(MULTI, 'livegetfour', '200001')), 9);
    nowMs = 1437995644_000 - 301_000;
    assert.equal(await codeOf(() => auth.authenticate(MULTI, 'livegetfour', '200001')), 9);
  });

  it('answers 9 for a single-use signature older than the clock skew', async () => {
    nowMs = (1437995645 + 301) * 1000;
    assert.equal(await codeOf(() => auth.authenticate(SINGLE, 'livegetfour', '200001')), 9);
  });

  it('answers 10 for an unknown appid, 11 for an unknown or revoked SecretId, 12 for a SecretId of another app', async () => {
    const t = Math.floor(nowMs / 1000);
    assert.equal(await codeOf(() => auth.authenticate(signToken({ appid: '999', secretId: SECRET_ID, secretKey: SECRET_KEY, now: t }), 'livegetfour')), 10);
    assert.equal(await codeOf(() => auth.authenticate(signToken({ appid: '200001', secretId: 'AKIDnope', secretKey: SECRET_KEY, now: t }), 'livegetfour')), 11);
    const other = await apps.createApp({ appid: '300001' });
    assert.equal(await codeOf(() => auth.authenticate(signToken({ appid: '200001', secretId: other.secretId, secretKey: other.secretKey, now: t }), 'livegetfour')), 12);
    await apps.revokeKey(other.secretId);
    assert.equal(await codeOf(() => auth.authenticate(signToken({ ...other, now: t }), 'livegetfour')), 11);
  });

  it('answers 14 when the HMAC does not match', async () => {
    const t = Math.floor(nowMs / 1000);
    assert.equal(await codeOf(() => auth.authenticate(signToken({ appid: '200001', secretId: SECRET_ID, secretKey: 'wrong-key-000000', now: t }), 'livegetfour')), 14);
  });

  it('answers 13 the second time a single-use signature is presented', async () => {
    assert.equal(await codeOf(() => auth.authenticate(SINGLE, 'livegetfour', '200001')), 0);
    assert.equal(await codeOf(() => auth.authenticate(SINGLE, 'livegetfour', '200001')), 13);
    assert.equal(await codeOf(() => auth.authenticate(MULTI, 'livegetfour', '200001')), 0);
    assert.equal(await codeOf(() => auth.authenticate(MULTI, 'livegetfour', '200001')), 0);
  });

  it('answers 3 "account abnormal" for a disabled app and 24 for a service the app may not use', async () => {
    await apps.setEnabled('200001', false);
    assert.equal(await codeOf(() => auth.authenticate(MULTI, 'livegetfour', '200001')), 3);
    await apps.setEnabled('200001', true);
    const limited = await apps.createApp({ appid: '400001', services: ['livegetfour'] });
    const token = signToken({ ...limited, now: Math.floor(nowMs / 1000) });
    assert.equal(await codeOf(() => auth.authenticate(token, 'livegetfour')), 0);
    assert.equal(await codeOf(() => auth.authenticate(token, 'livedetectfour')), 24);
  });

  it('answers 15 beyond the app rate limit and lets requests through again in the next minute', async () => {
    const app = await apps.createApp({ appid: '500001', rateLimitPerMinute: 3 });
    nowMs = 1437995640_000;
    const token = signToken({ ...app, now: Math.floor(nowMs / 1000) });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push(await codeOf(() => auth.authenticate(token, 'livegetfour')));
    assert.deepEqual(codes, [0, 0, 0, 15]);
    nowMs += 60_000;
    assert.equal(await codeOf(() => auth.authenticate(token, 'livegetfour')), 0);
  });

  it('with a cache, sees apps disable within the cache time, and a cached token still gets every time and appid check', async () => {
    const db = openSqliteStore(':memory:');
    const store = new AppStore(db.apps, randomBytes(32));
    const creds = await store.createApp({ appid: '600001' });
    const cached = authenticator(db, store, { defaultRateLimitPerMinute: 0, cacheMs: 40 });
    const token = signToken({ ...creds, now: Math.floor(nowMs / 1000) });
    assert.equal(await codeOf(() => cached.authenticate(token, 'livegetfour')), 0);
    await store.setEnabled('600001', false);
    assert.equal(await codeOf(() => cached.authenticate(token, 'livegetfour')), 0);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await codeOf(() => cached.authenticate(token, 'livegetfour')), 3);
    await store.setEnabled('600001', true);
    await new Promise((r) => setTimeout(r, 60));
    const short = signToken({ ...creds, ttlSec: 10, now: Math.floor(nowMs / 1000) });
    assert.equal(await codeOf(() => cached.authenticate(short, 'livegetfour')), 0);
    nowMs += 11_000;
    assert.equal(await codeOf(() => cached.authenticate(short, 'livegetfour')), 9, 'a cached token still expires');
    assert.equal(await codeOf(() => cached.authenticate(short, 'livegetfour', '42')), 6, 'and is still bound to its appid');
  });

  it('answers 107 when the SecretKey cannot be decrypted (wrong master key)', async () => {
    const db = openSqliteStore(':memory:');
    await new AppStore(db.apps, randomBytes(32)).createApp({ appid: '200001', key: { secretId: SECRET_ID, secretKey: SECRET_KEY } });
    const wrong = authenticator(db, new AppStore(db.apps, randomBytes(32)), { defaultRateLimitPerMinute: 0 });
    assert.equal(await codeOf(() => wrong.authenticate(MULTI, 'livegetfour', '200001')), 107);
  });
});
