import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../store/db.js';
import { ChallengeStore } from './store.js';

describe('lip-reading challenges', () => {
  it('issues 4 digits bound to the appid, redeemable once', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600, 300);
    const digits = (await store.issue('a1', 1000))!;
    assert.match(digits, /^\d{4}$/);
    assert.deepEqual(store.redeem('a2', digits, 2000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
    assert.equal(store.redeem('a1', digits, 2000).ok, true);
    assert.deepEqual(store.redeem('a1', digits, 3000), { ok: false, error: 'CHALLENGE_USED' });
  });

  it('refuses an expired challenge as expired and a never-issued one as unknown', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600, 300);
    const digits = (await store.issue('a1', 0))!;
    assert.deepEqual(store.redeem('a1', digits, 600_000), { ok: false, error: 'CHALLENGE_EXPIRED' });
    const other = digits === '0000' ? '0001' : '0000';
    assert.deepEqual(store.redeem('a1', other, 1000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
  });

  it('purges challenges challengeRetentionSec after they expired; until then they answer expired', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600, 300);
    const digits = await store.issue('old', 0);
    store.purge(600_000 + 299_999);
    assert.deepEqual(store.redeem('old', digits!, 600_000 + 299_999), { ok: false, error: 'CHALLENGE_EXPIRED' });
    store.purge(600_000 + 300_000);
    assert.deepEqual(store.redeem('old', digits!, 600_000 + 300_000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
  });

  it('draws digits uniformly enough that every digit appears in every position', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600, 300);
    const seen = Array.from({ length: 4 }, () => new Set<string>());
    const all = await Promise.all(Array.from({ length: 400 }, (_, i) => store.issue('a', i)));
    for (const digits of all) [...digits!].forEach((d, p) => seen[p].add(d));
    for (const s of seen) assert.equal(s.size, 10);
  });

  it('commits the challenges issued in one event-loop turn together, each redeemable', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600, 300);
    const all = await Promise.all(Array.from({ length: 50 }, () => store.issue('a', 0)));
    for (const d of all) assert.equal(store.redeem('a', d!, 1).ok, true);
  });

  it('never issues a value that is live for the app: all 10000 are distinct, then the space is exhausted', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600, 300);
    const first = await Promise.all(Array.from({ length: 5000 }, () => store.issue('a1', 0)));
    const rest = await Promise.all(Array.from({ length: 5000 }, () => store.issue('a1', 1000)));
    const all = [...first, ...rest];
    assert.equal(new Set(all).size, 10_000);
    assert.equal(all.includes(null), false);
    assert.equal(await store.issue('a1', 2000), null);
    // Another app has its own space.
    assert.match((await store.issue('a2', 2000)) ?? '', /^\d{4}$/);
  });

  it('does not issue a used or expired value again until challengeRetentionSec has passed', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600, 300);
    const issued = await Promise.all(Array.from({ length: 10_000 }, () => store.issue('a1', 0)));
    const used = issued[0]!;
    assert.equal(store.redeem('a1', used, 10_000).ok, true);
    assert.equal(await store.issue('a1', 10_000 + 299_999), null, 'used less than 300 s ago: still held');
    assert.equal(await store.issue('a1', 10_000 + 300_001), used, 'the only free value');
    // Unused ones are held until expiry plus the retention.
    assert.equal(await store.issue('a1', 600_000 + 299_999), null);
    assert.match((await store.issue('a1', 600_000 + 300_001)) ?? '', /^\d{4}$/);
  });

  it('gives a released challenge back for one more use', async () => {
    const store = new ChallengeStore(openDatabase(':memory:'), 600, 300);
    const digits = (await store.issue('a1', 0))!;
    const r = store.redeem('a1', digits, 1);
    assert.ok(r.ok);
    store.release(r.id);
    assert.equal(store.redeem('a1', digits, 2).ok, true);
  });
});
