import type { Redis } from 'ioredis';

export interface RateLimitHit {
  allowed: boolean;
  retryAfterMs: number;
}

/**
 * Per-app request budget in fixed windows behind a small interface (the shape of
 * @fastify/rate-limit's stores): in process memory for one server process, in Redis when
 * several share the budget.
 */
export interface RateLimitStore {
  /** Counts one request for `key`; not allowed when it exceeds `limit` in the current window. */
  hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateLimitHit>;
}

/** Fixed windows in process memory: cheap and exact enough for one server process. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { start: number; count: number }>();

  async hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateLimitHit> {
    let w = this.windows.get(key);
    if (!w || nowMs - w.start >= windowMs) {
      w = { start: nowMs - (nowMs % windowMs), count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= limit, retryAfterMs: w.start + windowMs - nowMs };
  }
}

/**
 * The same fixed windows in Redis, shared by every API process: one INCR per request on the
 * window's key, which expires with the window.
 */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateLimitHit> {
    const start = nowMs - (nowMs % windowMs);
    const k = `${this.prefix}:rate:${key}:${start}`;
    const [[, count]] = (await this.redis.multi().incr(k).pexpire(k, windowMs).exec()) as [[Error | null, number], unknown];
    return { allowed: count <= limit, retryAfterMs: start + windowMs - nowMs };
  }
}
