import type { ReplayRepository } from '../store/index.js';

/**
 * Remembers single-use signatures in the shared store. `claim` is one INSERT against a primary
 * key, so when several requests (or several server processes) present the same token at once,
 * the database lets exactly one insert succeed.
 */
export class ReplayStore {
  private claimsSincePurge = 0;

  constructor(private readonly repo: ReplayRepository) {}

  /**
   * True the first time a token is seen. `forgetAfterMs` is when the token would be refused
   * as expired anyway, after which its row is no longer needed.
   */
  async claim(mac: Buffer, forgetAfterMs: number, nowMs: number): Promise<boolean> {
    if (++this.claimsSincePurge >= 1000) {
      this.claimsSincePurge = 0;
      await this.repo.purge(nowMs);
    }
    return this.repo.claim(mac, forgetAfterMs);
  }
}
