import { ApiError } from '../core/errors.js';
import type { AppStore, AppRow } from './apps.js';
import type { RateLimitStore } from './ratelimit.js';
import type { ReplayStore } from './replay.js';
import type { Service } from './services.js';
import { macMatches, parseSignature, type ParsedSignature } from './signature.js';

export interface AuthContext {
  appid: string;
  secretId: string;
  singleUse: boolean;
}

export interface AuthenticatorOptions {
  apps: AppStore;
  replay: ReplayStore;
  rateLimits: RateLimitStore;
  /** Milliseconds since the epoch; injected so the 2015 test vectors can be verified. */
  clock: () => number;
  clockSkewSec: number;
  maxSignatureTtlSec: number;
  /** Used for apps without their own limit; 0 disables. */
  defaultRateLimitPerMinute: number;
  /**
   * How long an app or key read from the store (and its decrypted SecretKey) is reused. Bounds how
   * late `apps disable` / `keys revoke` take effect; 0 reads the store on every request.
   * Measured on the real monotonic clock, not `clock` (which tests move freely).
   */
  cacheMs?: number;
}

type KeyLookup = Awaited<ReturnType<AppStore['lookupKey']>>;

/** Short-lived memo of store reads: the two SELECTs and the AES-GCM open dominate a livegetfour. */
class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(private readonly ttlMs: number) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.peek(key);
    if (hit !== undefined) return hit;
    const value = await load();
    this.set(key, value);
    return value;
  }

  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > performance.now() ? hit.value : undefined;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    // Unknown ids are cached too, so a flood of random ones must not grow the map without bound.
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(key, { value, until: performance.now() + this.ttlMs });
  }
}

/**
 * Checks an Authorization header against SPEC "Signature" and the app's state. The checks
 * run in the order of the error table (4, 5, 6, 10, 11, 12, 14, 9, 3, 24, 15, 13) so one
 * request always gets the same code; the HMAC is verified before any time check so the
 * answers reveal nothing about a token whose MAC is wrong.
 */
export class Authenticator {
  private readonly apps: TtlCache<AppRow | undefined>;
  private readonly keys: TtlCache<KeyLookup>;
  /** Multi-use tokens whose HMAC checked out: clients reuse one token for months. */
  private readonly verified: TtlCache<ParsedSignature>;

  constructor(private readonly o: AuthenticatorOptions) {
    this.apps = new TtlCache(o.cacheMs ?? 0);
    this.keys = new TtlCache(o.cacheMs ?? 0);
    this.verified = new TtlCache(o.cacheMs ?? 0);
  }

  /** `requestAppid` is the appid of the body when it is already known (JSON requests). */
  async authenticate(header: string | undefined, service: Service, requestAppid?: string): Promise<AuthContext> {
    const token = header?.trim();
    if (!token) throw new ApiError('SIGNATURE_EMPTY');
    // A cached token skips only the parse and the HMAC; every other check below still runs.
    const known = this.verified.peek(token);
    const sig = known ?? parseOrThrow(token);
    const singleUse = sig.expiry === 0;
    if (singleUse && !sig.fileId) throw new ApiError('SIGNATURE_MALFORMED', 'a single-use signature (e=0) needs f');
    if (requestAppid !== undefined) assertSameAppid(sig.appid, requestAppid);

    const { app, key } = await this.load(sig.appid, sig.secretId);
    if (!app) throw new ApiError('APPID_NOT_FOUND');
    if (!key || key.revoked) throw new ApiError('SECRETID_NOT_FOUND');
    if (key.appid !== sig.appid) throw new ApiError('APPID_SECRETID_MISMATCH');
    if (!known) {
      if (!macMatches(sig, key.secretKey)) throw new ApiError('SIGNATURE_CHECK_FAILED');
      if (!singleUse) this.verified.set(token, sig);
    }

    const nowMs = this.o.clock();
    const now = Math.floor(nowMs / 1000);
    const skew = this.o.clockSkewSec;
    if (sig.time > now + skew) throw new ApiError('SIGNATURE_EXPIRED', 't is ahead of the server clock by more than the allowed skew');
    if (singleUse) {
      if (now - sig.time > skew) throw new ApiError('SIGNATURE_EXPIRED', 'a single-use signature must be used within the allowed clock skew of t');
    } else {
      if (sig.expiry <= sig.time) throw new ApiError('SIGNATURE_MALFORMED', 'e must be after t (or 0 for a single-use signature)');
      if (sig.expiry - sig.time > this.o.maxSignatureTtlSec) throw new ApiError('SIGNATURE_MALFORMED', 'e is more than 3 months after t');
      if (now > sig.expiry) throw new ApiError('SIGNATURE_EXPIRED');
    }

    if (!app.enabled) throw new ApiError('ACCOUNT_ABNORMAL');
    if (!app.services.includes(service)) throw new ApiError('SERVICE_NOT_ENABLED', service);
    const limit = app.rateLimitPerMinute ?? this.o.defaultRateLimitPerMinute;
    if (limit > 0 && !(await this.withinRateLimit(app.appid, limit, nowMs))) {
      throw new ApiError('RATE_LIMITED', `${limit} requests per minute`);
    }
    if (singleUse && !(await this.claim(sig.mac, (sig.time + skew + 1) * 1000, nowMs))) throw new ApiError('SIGNATURE_REPLAY');
    return { appid: sig.appid, secretId: sig.secretId, singleUse };
  }

  private async load(appid: string, secretId: string): Promise<{ app: AppRow | undefined; key: KeyLookup }> {
    try {
      const [app, key] = await Promise.all([this.apps.get(appid, () => this.o.apps.getApp(appid)), this.keys.get(secretId, () => this.o.apps.lookupKey(secretId))]);
      return { app, key };
    } catch (err) {
      // A locked or unreadable database, or a master key that cannot open the SecretKey.
      throw new ApiError('AUTH_UNAVAILABLE', (err as Error).message);
    }
  }

  private async withinRateLimit(appid: string, limit: number, nowMs: number): Promise<boolean> {
    try {
      return (await this.o.rateLimits.hit(appid, limit, 60_000, nowMs)).allowed;
    } catch (err) {
      throw new ApiError('AUTH_UNAVAILABLE_2', (err as Error).message);
    }
  }

  private async claim(mac: Buffer, forgetAfterMs: number, nowMs: number): Promise<boolean> {
    try {
      return await this.o.replay.claim(mac, forgetAfterMs, nowMs);
    } catch (err) {
      throw new ApiError('AUTH_UNAVAILABLE_2', (err as Error).message);
    }
  }
}

function parseOrThrow(token: string): ParsedSignature {
  const parsed = parseSignature(token);
  if (!parsed.ok) throw new ApiError('SIGNATURE_MALFORMED', parsed.reason);
  return parsed.sig;
}

/** Code 6: the body's appid must be the one that signed the request. */
export function assertSameAppid(signed: string, requestAppid: string): void {
  if (signed !== requestAppid) throw new ApiError('APPID_MISMATCH');
}
