import { Agent, request } from 'undici';
import { guardedLookup, isBlockedAddress, literalAddress, type Resolver } from './address-policy.js';

export interface FetchImageOptions {
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  /** Name resolution used at connect time; tests inject one to simulate DNS answers. */
  resolver?: Resolver;
}

export type FetchFailure =
  | 'invalid-url'
  | 'scheme-not-allowed'
  | 'address-blocked'
  | 'dns-failed'
  | 'timeout'
  | 'too-large'
  | 'http-status'
  | 'too-many-redirects'
  | 'network';

export class FetchImageError extends Error {
  constructor(
    readonly reason: FetchFailure,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'FetchImageError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads an image for idcardcompare / livedetectpicture without letting the URL reach
 * the operator's internal network: http(s) only, every connection's resolved address
 * checked, redirects followed by hand (each hop checked again), the body size limited while
 * it streams and the whole exchange bounded in time.
 */
export async function fetchImage(url: string, opts: FetchImageOptions): Promise<Uint8Array> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs);
  const agent = guardedAgent(opts);
  try {
    let current = parseTarget(url, opts.allowPrivate);
    for (let hop = 0; ; hop++) {
      const res = await request(current, {
        method: 'GET',
        dispatcher: agent,
        signal: abort.signal,
        headers: { accept: 'image/*', 'user-agent': 'livecheck-image-fetch' },
      }).catch((err: unknown) => {
        throw classify(err, abort.signal.aborted);
      });
      if (REDIRECTS.has(res.statusCode)) {
        await res.body.dump().catch(() => undefined);
        const location = res.headers.location;
        if (typeof location !== 'string') throw new FetchImageError('http-status', `redirect ${res.statusCode} without a Location`);
        if (hop >= opts.maxRedirects) throw new FetchImageError('too-many-redirects', `more than ${opts.maxRedirects} redirects`);
        current = parseTarget(new URL(location, current).href, opts.allowPrivate);
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump().catch(() => undefined);
        throw new FetchImageError('http-status', `HTTP ${res.statusCode}`);
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        res.body.destroy();
        throw new FetchImageError('too-large', `Content-Length ${declared} exceeds ${opts.maxBytes} bytes`);
      }
      return await readLimited(res.body, opts.maxBytes, abort.signal);
    }
  } finally {
    clearTimeout(timer);
    await agent.destroy().catch(() => undefined);
  }
}

/** A one-exchange connection pool whose connections go only where the address policy allows. */
export function guardedAgent(opts: { allowPrivate: boolean; timeoutMs: number; resolver?: Resolver }): Agent {
  return new Agent({
    connect: { lookup: guardedLookup(opts.allowPrivate, opts.resolver), timeout: opts.timeoutMs },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: 1,
  });
}

export function parseTarget(raw: string, allowPrivate: boolean): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new FetchImageError('invalid-url', 'not an absolute URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new FetchImageError('scheme-not-allowed', `${u.protocol} is not http(s)`);
  // An IP literal never goes through the resolver, so it is checked here.
  const literal = literalAddress(u.hostname);
  if (literal && !allowPrivate && isBlockedAddress(literal)) throw new FetchImageError('address-blocked', `${literal} is not a public address`);
  return u;
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      total += chunk.length;
      if (total > maxBytes) {
        body.destroy();
        throw new FetchImageError('too-large', `body exceeds ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    throw classify(err, signal.aborted);
  }
  const out = Buffer.concat(chunks, total);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export function classify(err: unknown, timedOut: boolean): FetchImageError {
  if (err instanceof FetchImageError) return err;
  if (timedOut) return new FetchImageError('timeout', 'time limit reached');
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.message ?? String(err);
  if (code === 'EADDRBLOCKED') return new FetchImageError('address-blocked', e.cause?.message ?? message);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new FetchImageError('dns-failed', message);
  if (code?.includes('TIMEOUT')) return new FetchImageError('timeout', message);
  return new FetchImageError('network', message);
}
