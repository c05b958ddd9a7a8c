import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../store/db.js';
import { ChallengeStore } from './store.js';

describe('lip-reading challenges', () => {
  it('issues 4 digits bound to the appid, redeemable once', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const digits = await store.issue('a1', 1000);
    assert.match(digits, /^\d{4}$/);
    assert.deepEqual(store.redeem('a2', digits, 2000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
    assert.equal(store.redeem('a1', digits, 2000).ok, true);
    assert.deepEqual(store.redeem('a1', digits, 3000), { ok: false, error: 'CHALLENGE_USED' });
  });

  it('refuses an expired challenge as expired and a never-issued one as unknown', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const digits = await store.issue('a1', 0);
    assert.deepEqual(store.redeem('a1', digits, 600_000), { ok: false, error: 'CHALLENGE_EXPIRED' });
    const other = digits === '0000' ? '0001' : '0000';
    assert.deepEqual(store.redeem('a1', other, 1000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
  });

  it('purges challenges an hour after they expired; until then they answer expired', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const digits = await store.issue('old', 0);
    assert.deepEqual(store.redeem('old', digits, 600_000 + 3_600_000), { ok: false, error: 'CHALLENGE_EXPIRED' });
    await Promise.all(Array.from({ length: 1000 }, () => store.issue('new', 600_000 + 3_600_001)));
    assert.deepEqual(store.redeem('old', digits, 600_000 + 3_600_001), { ok: false, error: 'CHALLENGE_UNKNOWN' });
  });

  it('draws digits uniformly enough that every digit appears in every position', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const seen = Array.from({ length: 4 }, () => new Set<string>());
    const all = await Promise.all(Array.from({ length: 400 }, (_, i) => store.issue('a', i)));
    for (const digits of all) [...digits].forEach((d, p) => seen[p].add(d));
    for (const s of seen) assert.equal(s.size, 10);
  });

  it('commits the challenges issued in one event-loop turn together, each redeemable', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const all = await Promise.all(Array.from({ length: 50 }, () => store.issue('a', 0)));
    for (const d of all) assert.equal(store.redeem('a', d, 1).ok, true);
  });

  it('redeems the oldest live challenge when an app holds two with the same digits', async () => {
    const db = openDatabase(':memory:');
    const store = new ChallengeStore(db, 600);
    const digits = await store.issue('a1', 0);
    let draws = 1;
    while ((await store.issue('a1', 1000)) !== digits) assert.ok(++draws < 200_000, 'no duplicate in 200000 draws');
    const first = store.redeem('a1', digits, 2000);
    const second = store.redeem('a1', digits, 2000);
    assert.ok(first.ok && second.ok);
    assert.ok(first.id < second.id);
  });

  it('gives a released challenge back for one more use', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600);
    const digits = await store.issue('a1', 0);
    const r = store.redeem('a1', digits, 1);
    assert.ok(r.ok);
    store.release(r.id);
    assert.equal(store.redeem('a1', digits, 2).ok, true);
  });
});
