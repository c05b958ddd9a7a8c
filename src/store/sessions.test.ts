import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from './db.js';
import { SessionStore, type NewSession } from './sessions.js';

function session(over: Partial<NewSession> = {}): NewSession {
  return {
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
  };
}

const LEASE = 60_000;

describe('capture session store', () => {
  it('lets only one attempt of a session run at a time', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    store.create(session());
    assert.equal(store.beginAttempt('s1', 1000, LEASE).ok, true);
    assert.deepEqual(store.beginAttempt('s1', 1001, LEASE), { ok: false, why: 'busy' });
  });

  it("takes an attempt again once a dead verification's lease has run out", () => {
    const store = new SessionStore(openDatabase(':memory:'));
    store.create(session());
    assert.equal(store.beginAttempt('s1', 1000, LEASE).ok, true);
    const again = store.beginAttempt('s1', 1000 + LEASE + 1, LEASE);
    assert.ok(again.ok);
    assert.equal(again.session.attemptsUsed, 2);
  });

  it('gives an abandoned attempt back', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    store.create(session({ maxAttempts: 1 }));
    assert.equal(store.beginAttempt('s1', 1000, LEASE).ok, true);
    store.abandonAttempt('s1');
    assert.equal(store.byId('a1', 's1')?.attemptsUsed, 0);
    assert.equal(store.beginAttempt('s1', 1000, LEASE).ok, true);
  });

  it('stays pending after a failed attempt with attempts left, then fails and queues its callback', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    store.create(session({ reference: { model: 'm', embedding: [1] } }));
    store.beginAttempt('s1', 1000, LEASE);
    const first = store.finishAttempt('s1', 2000, { live_status: -5008 }, false);
    assert.deepEqual([first.state, first.callbackState, first.finishedMs], ['pending', 'none', null]);
    store.beginAttempt('s1', 3000, LEASE);
    const last = store.finishAttempt('s1', 4000, { live_status: -5008 }, false);
    assert.deepEqual([last.state, last.callbackState, last.finishedMs, last.callbackNextMs], ['failed', 'pending', 4000, 4000]);
    assert.equal(last.reference, null, 'the face template is dropped when the session ends');
    assert.deepEqual(store.beginAttempt('s1', 5000, LEASE), { ok: false, why: 'closed' });
  });

  it('refuses attempts and digits once the session has expired, and marks it expired', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    store.create(session());
    assert.deepEqual(store.beginAttempt('s1', 600_000, LEASE), { ok: false, why: 'expired' });
    assert.equal(store.setChallenge('s1', '1234', 600_000, 10), false);
    assert.equal(store.expireDue(600_000), 1);
    const s = store.byId('a1', 's1');
    assert.deepEqual([s?.state, s?.callbackState], ['expired', 'pending']);
  });

  it('caps the digits one session can request', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    store.create(session());
    assert.equal(store.setChallenge('s1', '1111', 1, 2), true);
    assert.equal(store.setChallenge('s1', '2222', 2, 2), true);
    assert.equal(store.setChallenge('s1', '3333', 3, 2), false);
    assert.equal(store.byId('a1', 's1')?.challengeDigits, '2222');
  });

  it('leases a due callback to one claimer until its delivery ends', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    store.create(session({ maxAttempts: 1 }));
    store.beginAttempt('s1', 1000, LEASE);
    store.finishAttempt('s1', 2000, { live_status: 0 }, true);
    const claimed = store.claimCallbacks(2000, 10_000, 8);
    assert.deepEqual(claimed.map((s) => [s.id, s.callbackAttempts]), [['s1', 1]]);
    assert.deepEqual(store.claimCallbacks(5000, 10_000, 8), []);
    store.callbackFailed('s1', 'HTTP 500', 7000);
    assert.deepEqual(store.claimCallbacks(6999, 10_000, 8), []);
    assert.equal(store.claimCallbacks(7000, 10_000, 8)[0]?.callbackAttempts, 2);
    store.callbackDelivered('s1');
    assert.equal(store.byId('a1', 's1')?.callbackState, 'delivered');
  });

  it('purges ended sessions after the result lifetime, but not one with a callback still to send', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    store.create(session({ id: 'done', tokenHash: 'h-done', maxAttempts: 1, callbackUrl: null }));
    store.create(session({ id: 'owed', tokenHash: 'h-owed', maxAttempts: 1 }));
    for (const id of ['done', 'owed']) {
      store.beginAttempt(id, 1000, LEASE);
      store.finishAttempt(id, 2000, { live_status: 0 }, true);
    }
    assert.equal(store.purge(3000), 1);
    assert.equal(store.byId('a1', 'done'), undefined);
    assert.ok(store.byId('a1', 'owed'));
  });

  it('finds a session only under its own appid', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    store.create(session());
    assert.ok(store.byId('a1', 's1'));
    assert.equal(store.byId('a2', 's1'), undefined);
  });
});
