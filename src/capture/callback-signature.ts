import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature on a capture-session callback (docs/api.md "Callbacks"). Pure node:crypto so
 * the typed client can verify callbacks without the server's dependencies.
 *
 * Header `X-Livecheck-Signature: t=<unix s>,k=<SecretId>,v1=<hex>` where v1 is
 * HMAC-SHA256(SecretKey, "<t>.<raw body>") with the key pair that created the session.
 * Signing the time with the body lets the receiver refuse a replayed delivery.
 */
export const CALLBACK_SIGNATURE_HEADER = 'x-livecheck-signature';

/** Default accepted age of a delivery, and how far its time may be ahead of the receiver's clock. */
export const CALLBACK_TOLERANCE_SEC = 300;

function mac(secretKey: string, timeSec: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secretKey).update(`${timeSec}.`).update(body).digest();
}

export function signCallback(body: string, secretId: string, secretKey: string, nowSec: number): string {
  return `t=${nowSec},k=${secretId},v1=${mac(secretKey, nowSec, body).toString('hex')}`;
}

export interface ParsedCallbackSignature {
  timeSec: number;
  secretId: string;
  mac: Buffer;
}

export function parseCallbackSignature(header: string | undefined): ParsedCallbackSignature | null {
  if (!header || header.length > 1024) return null;
  const fields = new Map<string, string>();
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const t = fields.get('t');
  const k = fields.get('k');
  const v1 = fields.get('v1');
  if (!t || !/^\d{1,12}$/.test(t) || !k || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return null;
  return { timeSec: Number(t), secretId: k, mac: Buffer.from(v1, 'hex') };
}

export type CallbackCheck = { ok: true; secretId: string; timeSec: number } | { ok: false; reason: 'malformed' | 'unknown-key' | 'bad-signature' | 'too-old' | 'from-the-future' };

export interface VerifyCallbackOptions {
  /** The X-Livecheck-Signature header as received. */
  header: string | undefined;
  /** The raw request body, byte for byte (not re-serialised JSON). */
  body: string | Uint8Array;
  /** The SecretKey for the header's SecretId (the app may hold several key pairs), or undefined if unknown. */
  secretKey: string | ((secretId: string) => string | undefined);
  toleranceSec?: number;
  /** Unix seconds; defaults to now. */
  nowSec?: number;
}

/** Checks a delivery's signature in constant time, then its age. */
export function verifyCallbackSignature(opts: VerifyCallbackOptions): CallbackCheck {
  const sig = parseCallbackSignature(opts.header);
  if (!sig) return { ok: false, reason: 'malformed' };
  const key = typeof opts.secretKey === 'function' ? opts.secretKey(sig.secretId) : opts.secretKey;
  if (!key) return { ok: false, reason: 'unknown-key' };
  if (!timingSafeEqual(mac(key, sig.timeSec, opts.body), sig.mac)) return { ok: false, reason: 'bad-signature' };
  const now = opts.nowSec ?? Math.floor(Date.now() / 1000);
  const tolerance = opts.toleranceSec ?? CALLBACK_TOLERANCE_SEC;
  if (sig.timeSec > now + tolerance) return { ok: false, reason: 'from-the-future' };
  if (now - sig.timeSec > tolerance) return { ok: false, reason: 'too-old' };
  return { ok: true, secretId: sig.secretId, timeSec: sig.timeSec };
}
