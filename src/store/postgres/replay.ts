import type pg from 'pg';
import type { ReplayRepository } from '../types.js';

/** One INSERT against the primary key: of concurrent claims from any replica exactly one inserts. */
export class PostgresReplay implements ReplayRepository {
  constructor(private readonly pool: pg.Pool) {}

  async claim(mac: Buffer, forgetAfterMs: number): Promise<boolean> {
    const r = await this.pool.query('INSERT INTO used_signatures (mac, forget_after_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING', [mac, forgetAfterMs]);
    return r.rowCount === 1;
  }

  async purge(nowMs: number): Promise<number> {
    return (await this.pool.query('DELETE FROM used_signatures WHERE forget_after_ms < $1', [nowMs])).rowCount ?? 0;
  }
}
