import type pg from 'pg';
import { toApp, toKey, type AppRow, type KeyRow } from '../rows.js';
import type { AppRecord, AppRepository, KeyRecord, KeySummary } from '../types.js';
import { inTransaction } from './pool.js';

const INSERT_KEY = 'INSERT INTO app_keys (secret_id, appid, secret_sealed, created_ms, revoked_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING';
const keyValues = (k: KeyRecord) => [k.secretId, k.appid, k.sealed, k.createdMs, k.revokedMs];

export class PostgresApps implements AppRepository {
  constructor(private readonly pool: pg.Pool) {}

  async getApp(appid: string): Promise<AppRecord | undefined> {
    const { rows } = await this.pool.query<AppRow>('SELECT * FROM apps WHERE appid = $1', [appid]);
    return rows[0] && toApp(rows[0]);
  }

  async listApps(): Promise<AppRecord[]> {
    return (await this.pool.query<AppRow>('SELECT * FROM apps ORDER BY created_ms, appid')).rows.map(toApp);
  }

  async countApps(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM apps')).rows[0].n;
  }

  async createApp(app: AppRecord, key: KeyRecord): Promise<'created' | 'appid-taken' | 'secret-id-taken'> {
    try {
      return await inTransaction(this.pool, async (c) => {
        const inserted = await c.query('INSERT INTO apps (appid, enabled, services, rate_limit, created_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
          app.appid,
          app.enabled,
          JSON.stringify(app.services),
          app.rateLimitPerMinute,
          app.createdMs,
        ]);
        if (inserted.rowCount !== 1) throw new Refused('appid-taken');
        if ((await c.query(INSERT_KEY, keyValues(key))).rowCount !== 1) throw new Refused('secret-id-taken');
        return 'created' as const;
      });
    } catch (err) {
      if (err instanceof Refused) return err.why;
      throw err;
    }
  }

  async addKey(key: KeyRecord): Promise<'created' | 'no-such-app' | 'secret-id-taken'> {
    // The app row is locked so a concurrent delete cannot slip between the check and the insert.
    return inTransaction(this.pool, async (c) => {
      if ((await c.query('SELECT 1 FROM apps WHERE appid = $1 FOR SHARE', [key.appid])).rowCount === 0) return 'no-such-app' as const;
      return (await c.query(INSERT_KEY, keyValues(key))).rowCount === 1 ? ('created' as const) : ('secret-id-taken' as const);
    });
  }

  async getKey(secretId: string): Promise<KeyRecord | undefined> {
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM app_keys WHERE secret_id = $1', [secretId]);
    return rows[0] && toKey(rows[0]);
  }

  async listKeys(): Promise<KeySummary[]> {
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM app_keys ORDER BY created_ms, secret_id');
    return rows.map((r) => {
      const { sealed: _sealed, ...summary } = toKey(r);
      return summary;
    });
  }

  async revokeKey(secretId: string, nowMs: number): Promise<boolean> {
    return (await this.pool.query('UPDATE app_keys SET revoked_ms = $1 WHERE secret_id = $2 AND revoked_ms IS NULL', [nowMs, secretId])).rowCount === 1;
  }

  async setEnabled(appid: string, enabled: boolean): Promise<boolean> {
    return (await this.pool.query('UPDATE apps SET enabled = $1 WHERE appid = $2', [enabled, appid])).rowCount === 1;
  }
}

/** Ends the creation transaction (rolled back) with the reason it was refused. */
class Refused extends Error {
  constructor(readonly why: 'appid-taken' | 'secret-id-taken') {
    super(why);
  }
}
