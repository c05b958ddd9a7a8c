import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSqliteStore } from '../store/index.js';
import { ChallengeStore } from './store.js';

/** The challenge rules in seconds and error names; the repository's atomicity is src/store/contract.test.ts. */
describe('lip-reading challenges', () => {
  const challenges = () => new ChallengeStore(openSqliteStore(':memory:').challenges, 600, 300);

  it('issues 4 digits bound to the appid, redeemable once', async () => {
    const store = challenges();
    const digits = (await store.issue('a1', 1000))!;
    assert.match(digits, /^\d{4}$/);
    assert.deepEqual(await store.redeem('a2', digits, 2000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
    assert.equal((await store.redeem('a1', digits, 2000)).ok, true);
    assert.deepEqual(await store.redeem('a1', digits, 3000), { ok: false, error: 'CHALLENGE_USED' });
  });

  it('refuses an expired challenge as expired and a never-issued one as unknown', async () => {
    const store = challenges();
    const digits = (await store.issue('a1', 0))!;
    assert.deepEqual(await store.redeem('a1', digits, 600_000), { ok: false, error: 'CHALLENGE_EXPIRED' });
    const other = digits === '0000' ? '0001' : '0000';
    assert.deepEqual(await store.redeem('a1', other, 1000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
  });

  it('purges challenges challengeRetentionSec after they expired; until then they answer expired', async () => {
    const store = challenges();
    const digits = await store.issue('old', 0);
    await store.purge(600_000 + 299_999);
    assert.deepEqual(await store.redeem('old', digits!, 600_000 + 299_999), { ok: false, error: 'CHALLENGE_EXPIRED' });
    await store.purge(600_000 + 300_000);
    assert.deepEqual(await store.redeem('old', digits!, 600_000 + 300_000), { ok: false, error: 'CHALLENGE_UNKNOWN' });
  });

  it('gives a released challenge back for one more use', async () => {
    const store = challenges();
    const digits = (await store.issue('a1', 0))!;
    const r = await store.redeem('a1', digits, 1);
    assert.ok(r.ok);
    await store.release(r.id);
    assert.equal((await store.redeem('a1', digits, 2)).ok, true);
  });
});
