import type { ErrorName } from '../core/errors.js';
import type { ChallengeRepository } from '../store/index.js';

export type RedeemResult = { ok: true; id: number } | { ok: false; error: Extract<ErrorName, 'CHALLENGE_UNKNOWN' | 'CHALLENGE_EXPIRED' | 'CHALLENGE_USED'> };

const REFUSED = { unknown: 'CHALLENGE_UNKNOWN', expired: 'CHALLENGE_EXPIRED', used: 'CHALLENGE_USED' } as const;

/**
 * The lip-reading challenges issued by livegetfour. The legacy API has no session id, so a
 * verification names its challenge by (appid, validate_data). A value is therefore never issued
 * to an app while it is held: live (unused, unexpired) or used or expired less than
 * `keepSec` ago. Otherwise one recorded reading of "NNNN" could be redeemed against every
 * challenge with those digits that is live for the app. Held rows also tell a late client
 * "used" / "expired" rather than "unknown". Capacity per app: 10,000 held values, so at most
 * 10,000 / (ttlSec + keepSec) issues per second over time (docs/api.md). The repository makes
 * issuing and redeeming atomic across server processes sharing the store.
 */
export class ChallengeStore {
  private issuedSincePurge = 0;

  constructor(
    private readonly repo: ChallengeRepository,
    private readonly ttlSec: number,
    private readonly keepSec: number,
  ) {}

  /** Issues a challenge, or null when every value is held for this app; resolves once it can be redeemed. */
  async issue(appid: string, nowMs: number): Promise<string | null> {
    const digits = await this.repo.issue(appid, nowMs, nowMs + this.ttlSec * 1000, this.keepSec * 1000);
    if (++this.issuedSincePurge >= 1000) await this.purge(nowMs);
    return digits;
  }

  /** Deletes (a bounded number of) rows whose value is no longer held. */
  async purge(nowMs: number): Promise<void> {
    this.issuedSincePurge = 0;
    await this.repo.purge(nowMs);
  }

  async redeem(appid: string, digits: string, nowMs: number): Promise<RedeemResult> {
    const r = await this.repo.redeem(appid, digits, nowMs, this.keepSec * 1000);
    return r.ok ? r : { ok: false, error: REFUSED[r.why] };
  }

  /** Gives a redeemed challenge back when the verification could not run (server busy). */
  release(id: number): Promise<void> {
    return this.repo.release(id, this.keepSec * 1000);
  }
}
