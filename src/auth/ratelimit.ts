/**
 * Per-app request budget behind a small interface (the shape of @fastify/rate-limit's
 * LocalStore), so a shared store can replace the in-memory one when the service scales out.
 */
export interface RateLimitStore {
  /** Counts one request for `key`; false when it exceeds `limit` in the current window. */
  hit(key: string, limit: number, windowMs: number, nowMs: number): { allowed: boolean; retryAfterMs: number };
}

/** Fixed windows in process memory: cheap and exact enough for one server process. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { start: number; count: number }>();

  hit(key: string, limit: number, windowMs: number, nowMs: number): { allowed: boolean; retryAfterMs: number } {
    let w = this.windows.get(key);
    if (!w || nowMs - w.start >= windowMs) {
      w = { start: nowMs - (nowMs % windowMs), count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= limit, retryAfterMs: w.start + windowMs - nowMs };
  }
}
