import { randomBytes, randomInt } from 'node:crypto';
import type { Db } from '../store/db.js';
import { open, seal } from './secretbox.js';
import { SERVICES, type Service } from './services.js';

export interface AppRow {
  appid: string;
  enabled: boolean;
  services: Service[];
  /** Requests per minute; null: the server default applies; 0: unlimited. */
  rateLimitPerMinute: number | null;
  createdAt: string;
}

export interface KeyInfo {
  secretId: string;
  appid: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface KeyPair {
  secretId: string;
  secretKey: string;
}

export interface Credentials {
  appid: string;
  secretId: string;
  secretKey: string;
}

/** What the signature check needs about one SecretId, in one query. */
export interface KeyLookup {
  appid: string;
  secretKey: string;
  revoked: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(n: number): string {
  const bytes = randomBytes(n * 2);
  let out = '';
  // Rejection sampling keeps the characters uniform (62 does not divide 256).
  for (let i = 0; i < bytes.length && out.length < n; i++) if (bytes[i] < 248) out += ALNUM[bytes[i] % 62];
  return out.length === n ? out : out + randomAlnum(n - out.length);
}

interface AppDbRow {
  appid: string;
  enabled: number;
  services: string;
  rate_limit: number | null;
  created_ms: number;
}

/**
 * Apps and their key pairs in SQLite. SecretKeys are stored sealed with AES-256-GCM under
 * the master key (the SecretId is the associated data, so a sealed key cannot be moved to
 * another row) and are returned in clear only by createApp / createKey.
 */
export class AppStore {
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly masterKey: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS apps (
        appid TEXT PRIMARY KEY,
        enabled INTEGER NOT NULL DEFAULT 1,
        services TEXT NOT NULL,
        rate_limit INTEGER,
        created_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS app_keys (
        secret_id TEXT PRIMARY KEY,
        appid TEXT NOT NULL REFERENCES apps(appid),
        secret_sealed BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        revoked_ms INTEGER
      );
      CREATE INDEX IF NOT EXISTS app_keys_appid ON app_keys(appid);
    `);
    this.stmts = {
      app: db.prepare<[string], AppDbRow>('SELECT * FROM apps WHERE appid = ?'),
      apps: db.prepare<[], AppDbRow>('SELECT * FROM apps ORDER BY created_ms, appid'),
      insertApp: db.prepare('INSERT INTO apps (appid, enabled, services, rate_limit, created_ms) VALUES (?, 1, ?, ?, ?)'),
      setEnabled: db.prepare('UPDATE apps SET enabled = ? WHERE appid = ?'),
      insertKey: db.prepare('INSERT INTO app_keys (secret_id, appid, secret_sealed, created_ms) VALUES (?, ?, ?, ?)'),
      key: db.prepare<[string], { appid: string; secret_sealed: Buffer; revoked_ms: number | null }>(
        'SELECT appid, secret_sealed, revoked_ms FROM app_keys WHERE secret_id = ?',
      ),
      keys: db.prepare<[], { secret_id: string; appid: string; created_ms: number; revoked_ms: number | null }>(
        'SELECT secret_id, appid, created_ms, revoked_ms FROM app_keys ORDER BY created_ms, secret_id',
      ),
      revoke: db.prepare('UPDATE app_keys SET revoked_ms = ? WHERE secret_id = ? AND revoked_ms IS NULL'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM apps'),
    };
  }

  /**
   * `key` imports an existing key pair (an operator moving from Tencent Cloud keeps the
   * credentials its clients already hold); by default a fresh pair is generated.
   */
  createApp(opts: { appid?: string; services?: Service[]; rateLimitPerMinute?: number | null; key?: KeyPair } = {}): Credentials {
    const appid = opts.appid ?? this.freshAppid();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(appid)) throw new Error('appid must be 1-64 letters, digits, "-" or "_"');
    const services = opts.services ?? [...SERVICES];
    return this.db.transaction(() => {
      if (this.stmts.app.get(appid)) throw new Error(`appid ${appid} already exists`);
      this.stmts.insertApp.run(appid, JSON.stringify(services), opts.rateLimitPerMinute ?? null, this.now());
      return this.insertKey(appid, opts.key);
    })();
  }

  createKey(appid: string, key?: KeyPair): Credentials {
    return this.db.transaction(() => {
      if (!this.stmts.app.get(appid)) throw new Error(`appid ${appid} does not exist`);
      return this.insertKey(appid, key);
    })();
  }

  revokeKey(secretId: string): boolean {
    return this.stmts.revoke.run(this.now(), secretId).changes === 1;
  }

  setEnabled(appid: string, enabled: boolean): boolean {
    return this.stmts.setEnabled.run(enabled ? 1 : 0, appid).changes === 1;
  }

  getApp(appid: string): AppRow | undefined {
    const row = this.stmts.app.get(appid);
    return row && toApp(row);
  }

  listApps(): AppRow[] {
    return this.stmts.apps.all().map(toApp);
  }

  listKeys(): KeyInfo[] {
    return this.stmts.keys.all().map((k) => ({
      secretId: k.secret_id,
      appid: k.appid,
      createdAt: new Date(k.created_ms).toISOString(),
      revokedAt: k.revoked_ms === null ? null : new Date(k.revoked_ms).toISOString(),
    }));
  }

  appCount(): number {
    return this.stmts.count.get()?.n ?? 0;
  }

  lookupKey(secretId: string): KeyLookup | undefined {
    const row = this.stmts.key.get(secretId);
    if (!row) return undefined;
    return { appid: row.appid, secretKey: open(this.masterKey, row.secret_sealed, secretId), revoked: row.revoked_ms !== null };
  }

  private insertKey(appid: string, key?: KeyPair): Credentials {
    const secretId = key?.secretId ?? 'AKID' + randomAlnum(32);
    const secretKey = key?.secretKey ?? randomAlnum(32);
    if (!/^[\x21-\x7e]{8,128}$/.test(secretId) || !/^[\x21-\x7e]{8,128}$/.test(secretKey) || /[&=]/.test(secretId)) {
      throw new Error('SecretId and SecretKey must be 8-128 printable ASCII characters (no "&" or "=" in the SecretId)');
    }
    if (this.stmts.key.get(secretId)) throw new Error(`SecretId ${secretId} already exists`);
    this.stmts.insertKey.run(secretId, appid, seal(this.masterKey, secretKey, secretId), this.now());
    return { appid, secretId, secretKey };
  }

  private freshAppid(): string {
    // Numeric like Tencent appids, so clients that store the appid as a number keep working.
    for (;;) {
      const id = String(randomInt(1_000_000_000, 2_000_000_000));
      if (!this.stmts.app.get(id)) return id;
    }
  }
}

function toApp(row: AppDbRow): AppRow {
  return {
    appid: row.appid,
    enabled: row.enabled === 1,
    services: JSON.parse(row.services) as Service[],
    rateLimitPerMinute: row.rate_limit,
    createdAt: new Date(row.created_ms).toISOString(),
  };
}
