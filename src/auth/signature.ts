import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The legacy Tencent Cloud image signature (SPEC "Signature"). Pure node:crypto so the
 * typed client can sign without pulling in the server's dependencies.
 */

export interface SignatureFields {
  appid: string;
  bucket: string;
  secretId: string;
  /** Expiry in unix seconds; 0 marks a single-use signature. */
  expiry: number;
  /** Signing time in unix seconds. */
  time: number;
  rand: string;
  fileId: string;
}

export interface ParsedSignature extends SignatureFields {
  mac: Buffer;
  plaintext: Buffer;
}

export interface SignOptions {
  appid: string;
  secretId: string;
  secretKey: string;
  bucket?: string;
  /** Lifetime in seconds of a multi-use signature (ignored when `once` is set). */
  ttlSec?: number;
  /** File id: makes the signature single-use (e = 0). */
  once?: string;
  /** Unix seconds; defaults to now. */
  now?: number;
}

const MAC_BYTES = 20;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DIGITS = /^\d{1,12}$/;
/** Longest Authorization header we bother decoding; real tokens are ~200 characters. */
const MAX_TOKEN_CHARS = 4096;

export function hmacSha1(secretKey: string, plaintext: Buffer | string): Buffer {
  return createHmac('sha1', secretKey).update(plaintext).digest();
}

/** Builds the token: Base64(HMAC-SHA1(key, plaintext) || plaintext), field order of the Node SDK. */
export function signToken(opts: SignOptions): string {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const expiry = opts.once !== undefined ? 0 : now + (opts.ttlSec ?? 30 * 24 * 3600);
  const plaintext =
    `a=${opts.appid}&b=${opts.bucket ?? ''}&k=${opts.secretId}&e=${expiry}&t=${now}` +
    `&r=${randomInt(1, 2 ** 31 - 1)}&f=${opts.once ?? ''}`;
  const mac = hmacSha1(opts.secretKey, plaintext);
  return Buffer.concat([mac, Buffer.from(plaintext)]).toString('base64');
}

export type ParseResult = { ok: true; sig: ParsedSignature } | { ok: false; reason: string };

/**
 * Decodes a token without checking it. Fields may come in any order, `b` and `r` may be
 * missing and unknown fields (the SDKs' `u=0`) are ignored, as SPEC requires.
 */
export function parseSignature(token: string): ParseResult {
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'token is too long' };
  if (token.length % 4 !== 0 || !BASE64.test(token)) return { ok: false, reason: 'not standard Base64' };
  const raw = Buffer.from(token, 'base64');
  if (raw.length <= MAC_BYTES) return { ok: false, reason: 'too short to hold an HMAC and a plaintext' };
  const plaintext = raw.subarray(MAC_BYTES);
  const fields = new Map<string, string>();
  for (const pair of plaintext.toString('utf8').split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { ok: false, reason: `field "${pair.slice(0, 16)}" has no name=value form` };
    const name = pair.slice(0, eq);
    if (fields.has(name)) return { ok: false, reason: `field ${name} appears twice` };
    fields.set(name, pair.slice(eq + 1));
  }
  const appid = fields.get('a');
  const secretId = fields.get('k');
  const e = fields.get('e');
  const t = fields.get('t');
  const r = fields.get('r') ?? '';
  if (!appid) return { ok: false, reason: 'a (appid) is missing' };
  if (!secretId) return { ok: false, reason: 'k (SecretId) is missing' };
  if (e === undefined || !DIGITS.test(e)) return { ok: false, reason: 'e (expiry) is missing or not a number' };
  if (t === undefined || !DIGITS.test(t)) return { ok: false, reason: 't (time) is missing or not a number' };
  if (r !== '' && !/^\d{1,10}$/.test(r)) return { ok: false, reason: 'r (random) is not up to 10 digits' };
  return {
    ok: true,
    sig: {
      appid,
      bucket: fields.get('b') ?? '',
      secretId,
      expiry: Number(e),
      time: Number(t),
      rand: r,
      fileId: fields.get('f') ?? '',
      mac: raw.subarray(0, MAC_BYTES),
      plaintext,
    },
  };
}

/** Constant-time check of the token's HMAC against the SecretKey. */
export function macMatches(sig: ParsedSignature, secretKey: string): boolean {
  return timingSafeEqual(hmacSha1(secretKey, sig.plaintext), sig.mac);
}
