import { toApp, toKey, type AppRow, type KeyRow } from '../rows.js';
import type { AppRecord, AppRepository, KeyRecord, KeySummary } from '../types.js';
import type { Db } from './database.js';

export class SqliteApps implements AppRepository {
  private readonly stmts;
  private readonly createTx;
  private readonly addKeyTx;

  constructor(db: Db) {
    this.stmts = {
      app: db.prepare<[string], AppRow>('SELECT * FROM apps WHERE appid = ?'),
      apps: db.prepare<[], AppRow>('SELECT * FROM apps ORDER BY created_ms, appid'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM apps'),
      insertApp: db.prepare('INSERT INTO apps (appid, enabled, services, rate_limit, created_ms) VALUES (?, ?, ?, ?, ?)'),
      setEnabled: db.prepare('UPDATE apps SET enabled = ? WHERE appid = ?'),
      insertKey: db.prepare('INSERT INTO app_keys (secret_id, appid, secret_sealed, created_ms, revoked_ms) VALUES (?, ?, ?, ?, ?)'),
      key: db.prepare<[string], KeyRow>('SELECT * FROM app_keys WHERE secret_id = ?'),
      keys: db.prepare<[], KeyRow>('SELECT * FROM app_keys ORDER BY created_ms, secret_id'),
      revoke: db.prepare('UPDATE app_keys SET revoked_ms = ? WHERE secret_id = ? AND revoked_ms IS NULL'),
    };
    const insertKey = (k: KeyRecord) => this.stmts.insertKey.run(k.secretId, k.appid, k.sealed, k.createdMs, k.revokedMs);
    this.createTx = db.transaction((app: AppRecord, key: KeyRecord) => {
      if (this.stmts.app.get(app.appid)) return 'appid-taken' as const;
      if (this.stmts.key.get(key.secretId)) return 'secret-id-taken' as const;
      this.stmts.insertApp.run(app.appid, app.enabled ? 1 : 0, JSON.stringify(app.services), app.rateLimitPerMinute, app.createdMs);
      insertKey(key);
      return 'created' as const;
    });
    this.addKeyTx = db.transaction((key: KeyRecord) => {
      if (!this.stmts.app.get(key.appid)) return 'no-such-app' as const;
      if (this.stmts.key.get(key.secretId)) return 'secret-id-taken' as const;
      insertKey(key);
      return 'created' as const;
    });
  }

  async getApp(appid: string): Promise<AppRecord | undefined> {
    const row = this.stmts.app.get(appid);
    return row && toApp(row);
  }

  async listApps(): Promise<AppRecord[]> {
    return this.stmts.apps.all().map(toApp);
  }

  async countApps(): Promise<number> {
    return this.stmts.count.get()?.n ?? 0;
  }

  async createApp(app: AppRecord, key: KeyRecord): Promise<'created' | 'appid-taken' | 'secret-id-taken'> {
    return this.createTx.immediate(app, key);
  }

  async addKey(key: KeyRecord): Promise<'created' | 'no-such-app' | 'secret-id-taken'> {
    return this.addKeyTx.immediate(key);
  }

  async getKey(secretId: string): Promise<KeyRecord | undefined> {
    const row = this.stmts.key.get(secretId);
    return row && toKey(row);
  }

  async listKeys(): Promise<KeySummary[]> {
    return this.stmts.keys.all().map((r) => {
      const { sealed: _sealed, ...summary } = toKey(r);
      return summary;
    });
  }

  async revokeKey(secretId: string, nowMs: number): Promise<boolean> {
    return this.stmts.revoke.run(nowMs, secretId).changes === 1;
  }

  async setEnabled(appid: string, enabled: boolean): Promise<boolean> {
    return this.stmts.setEnabled.run(enabled ? 1 : 0, appid).changes === 1;
  }
}
