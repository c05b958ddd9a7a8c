import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../store/db.js';
import { ChallengeStore } from './store.js';

describe('lip-reading challenges', () => {
  it('issues 4 digits bound to the appid, redeemable once', () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const digits = store.issue('a1', 1000);
    assert.match(digits, /^\d{4}$/);
    assert.deepEqual(store.redeem('a2', digits, 2000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
    assert.equal(store.redeem('a1', digits, 2000).ok, true);
    assert.deepEqual(store.redeem('a1', digits, 3000), { ok: false, error: 'CHALLENGE_USED' });
  });

  it('refuses an expired challenge as expired and a never-issued one as unknown', () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const digits = store.issue('a1', 0);
    assert.deepEqual(store.redeem('a1', digits, 600_000), { ok: false, error: 'CHALLENGE_EXPIRED' });
    const other = digits === '0000' ? '0001' : '0000';
    assert.deepEqual(store.redeem('a1', other, 1000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
  });

  it('draws digits uniformly enough that every digit appears in every position', () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const seen = Array.from({ length: 4 }, () => new Set<string>());
    for (let i = 0; i < 400; i++) [...store.issue('a', i)].forEach((d, p) => seen[p].add(d));
    for (const s of seen) assert.equal(s.size, 10);
  });

  it('redeems the oldest live challenge when an app holds two with the same digits', () => {
    const db = openDatabase(':memory:');
    const store = new ChallengeStore(db, 600);
    const digits = store.issue('a1', 0);
    let draws = 1;
    while (store.issue('a1', 1000) !== digits) assert.ok(++draws < 200_000, 'no duplicate in 200000 draws');
    const first = store.redeem('a1', digits, 2000);
    const second = store.redeem('a1', digits, 2000);
    assert.ok(first.ok && second.ok);
    assert.ok(first.id < second.id);
  });

  it('gives a released challenge back for one more use', () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const digits = store.issue('a1', 0);
    const r = store.redeem('a1', digits, 1);
    assert.ok(r.ok);
    store.release(r.id);
    assert.equal(store.redeem('a1', digits, 2).ok, true);
  });
});
