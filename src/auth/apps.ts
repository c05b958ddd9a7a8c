import { randomBytes, randomInt } from 'node:crypto';
import type { AppRecord, AppRepository, KeyRecord } from '../store/index.js';
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

/**
 * Apps and their key pairs, in the store's apps repository (SQLite or PostgreSQL). SecretKeys
 * are stored sealed with AES-256-GCM under the master key (the SecretId is the associated data,
 * so a sealed key cannot be moved to another row) and are returned in clear only by createApp /
 * createKey.
 */
export class AppStore {
  constructor(
    private readonly repo: AppRepository,
    private readonly masterKey: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `key` imports an existing key pair (an operator moving from Tencent Cloud keeps the
   * credentials its clients already hold); by default a fresh pair is generated.
   */
  async createApp(opts: { appid?: string; services?: Service[]; rateLimitPerMinute?: number | null; key?: KeyPair } = {}): Promise<Credentials> {
    const appid = opts.appid ?? (await this.freshAppid());
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(appid)) throw new Error('appid must be 1-64 letters, digits, "-" or "_"');
    const services = opts.services ?? [...SERVICES];
    const { record, credentials } = this.newKey(appid, opts.key);
    const app = { appid, enabled: true, services, rateLimitPerMinute: opts.rateLimitPerMinute ?? null, createdMs: this.now() };
    const outcome = await this.repo.createApp(app, record);
    if (outcome === 'appid-taken') throw new Error(`appid ${appid} already exists`);
    if (outcome === 'secret-id-taken') throw new Error(`SecretId ${record.secretId} already exists`);
    return credentials;
  }

  async createKey(appid: string, key?: KeyPair): Promise<Credentials> {
    const { record, credentials } = this.newKey(appid, key);
    const outcome = await this.repo.addKey(record);
    if (outcome === 'no-such-app') throw new Error(`appid ${appid} does not exist`);
    if (outcome === 'secret-id-taken') throw new Error(`SecretId ${record.secretId} already exists`);
    return credentials;
  }

  revokeKey(secretId: string): Promise<boolean> {
    return this.repo.revokeKey(secretId, this.now());
  }

  setEnabled(appid: string, enabled: boolean): Promise<boolean> {
    return this.repo.setEnabled(appid, enabled);
  }

  async getApp(appid: string): Promise<AppRow | undefined> {
    const app = await this.repo.getApp(appid);
    return app && toApp(app);
  }

  async listApps(): Promise<AppRow[]> {
    return (await this.repo.listApps()).map(toApp);
  }

  async listKeys(): Promise<KeyInfo[]> {
    return (await this.repo.listKeys()).map((k) => ({
      secretId: k.secretId,
      appid: k.appid,
      createdAt: new Date(k.createdMs).toISOString(),
      revokedAt: k.revokedMs === null ? null : new Date(k.revokedMs).toISOString(),
    }));
  }

  appCount(): Promise<number> {
    return this.repo.countApps();
  }

  async lookupKey(secretId: string): Promise<KeyLookup | undefined> {
    const key = await this.repo.getKey(secretId);
    if (!key) return undefined;
    return { appid: key.appid, secretKey: open(this.masterKey, key.sealed, secretId), revoked: key.revokedMs !== null };
  }

  private newKey(appid: string, key?: KeyPair): { record: KeyRecord; credentials: Credentials } {
    const secretId = key?.secretId ?? 'AKID' + randomAlnum(32);
    const secretKey = key?.secretKey ?? randomAlnum(32);
    if (!/^[\x21-\x7e]{8,128}$/.test(secretId) || !/^[\x21-\x7e]{8,128}$/.test(secretKey) || /[&=]/.test(secretId)) {
      throw new Error('SecretId and SecretKey must be 8-128 printable ASCII characters (no "&" or "=" in the SecretId)');
    }
    return {
      record: { secretId, appid, sealed: seal(this.masterKey, secretKey, secretId), createdMs: this.now(), revokedMs: null },
      credentials: { appid, secretId, secretKey },
    };
  }

  private async freshAppid(): Promise<string> {
    // Numeric like Tencent appids, so clients that store the appid as a number keep working.
    for (;;) {
      const id = String(randomInt(1_000_000_000, 2_000_000_000));
      if (!(await this.repo.getApp(id))) return id;
    }
  }
}

function toApp(app: AppRecord): AppRow {
  return {
    appid: app.appid,
    enabled: app.enabled,
    services: app.services as Service[],
    rateLimitPerMinute: app.rateLimitPerMinute,
    createdAt: new Date(app.createdMs).toISOString(),
  };
}
