import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { signToken } from '../auth/signature.js';

export { signToken, parseSignature, type SignOptions } from '../auth/signature.js';
export {
  verifyCallbackSignature,
  parseCallbackSignature,
  CALLBACK_SIGNATURE_HEADER,
  type VerifyCallbackOptions,
  type CallbackCheck,
} from '../capture/callback-signature.js';

/** A file to upload: its bytes, or a path to read. */
export type FileInput = Uint8Array | string;

export interface LivecheckClientOptions {
  /** e.g. http://127.0.0.1:8080 (the legacy host was https://recognition.image.myqcloud.com). */
  baseUrl: string;
  appid: string;
  secretId: string;
  secretKey: string;
  bucket?: string;
  /** Lifetime of the cached multi-use signature; default 30 days. */
  signatureTtlSec?: number;
}

export interface Envelope<D> {
  code: number;
  message: string;
  data: D;
}

export interface CheckDetails {
  request_id: string;
  checks: Array<{ name: string; passed: boolean | null; score: number | null; threshold: number | null; ms: number; message: string; extra?: Record<string, unknown> }>;
  timings_ms?: Record<string, number>;
  challenge?: string;
}

export interface LiveGetFourData {
  validate_data: string;
  seq?: string;
}

export interface LiveDetectFourData {
  live_status: number;
  live_msg: string;
  compare_status?: number;
  compare_msg?: string;
  sim?: number;
  photo?: string;
  seq?: string;
  details: CheckDetails;
}

export interface IdcardLiveDetectFourData {
  live_status: number;
  live_msg: string;
  compare_status: number;
  compare_msg: string;
  sim?: number;
  video_photo?: string;
  seq?: string;
  details: CheckDetails;
}

export interface IdcardCompareData {
  similarity: number;
  session_id: string;
}

export interface LiveDetectPictureData {
  score: number;
  session_id: string;
}

export interface CreateCaptureSessionData {
  session_id: string;
  /** Bearer token of the page; single session, short-lived. */
  token: string;
  /** The hosted page for this session (the token is in the fragment). */
  url: string;
  expires_at: number;
  expires_in: number;
  max_attempts: number;
  seq?: string;
}

/** A capture session as the app's backend reads it (result fetch and callback body). */
export interface CaptureSessionData {
  session_id: string;
  state: 'pending' | 'verifying' | 'passed' | 'failed' | 'expired';
  lang: 'zh-CN' | 'en';
  compare: 'none' | 'card' | 'idcard';
  attempts_used: number;
  max_attempts: number;
  created_at: number;
  expires_at: number;
  finished_at: number | null;
  seq?: string;
  /** The latest verified attempt, in livedetectfour's fields (idcard sessions: idcardlivedetectfour's). */
  live_status?: number;
  live_msg?: string;
  compare_status?: number;
  compare_msg?: string;
  sim?: number;
  photo?: string;
  video_photo?: string;
  details?: CheckDetails;
}

/** Request-level failures carry only the request id (and session_id where it is echoed). */
export type ErrorData = { request_id?: string; session_id?: string };

/**
 * Typed client for the five legacy endpoints and the hosted capture sessions. Signs every call with a multi-use signature
 * cached until shortly before it expires, and returns the parsed envelope whatever the HTTP
 * status (the server always answers with one).
 */
export class LivecheckClient {
  private cached: { token: string; renewAfter: number } | null = null;

  constructor(private readonly opts: LivecheckClientOptions) {}

  /** The Authorization header value the next call will send. */
  authorization(): string {
    const now = Math.floor(Date.now() / 1000);
    if (this.cached && now < this.cached.renewAfter) return this.cached.token;
    const ttl = this.opts.signatureTtlSec ?? 30 * 24 * 3600;
    const token = signToken({ ...this.opts, ttlSec: ttl, now });
    // Renew well before expiry so a request in flight never arrives with a stale token.
    this.cached = { token, renewAfter: now + Math.max(1, Math.floor(ttl * 0.9)) };
    return token;
  }

  livegetfour(opts: { seq?: string } = {}): Promise<Envelope<LiveGetFourData | ErrorData>> {
    return this.json('/face/livegetfour', { appid: this.opts.appid, bucket: this.opts.bucket, seq: opts.seq });
  }

  async livedetectfour(opts: {
    validateData: string;
    video: FileInput;
    compareFlag?: boolean;
    card?: FileInput;
    seq?: string;
  }): Promise<Envelope<LiveDetectFourData | ErrorData>> {
    const form = this.form({ validate_data: opts.validateData, compare_flag: String(opts.compareFlag ?? false), seq: opts.seq });
    await addFile(form, 'video', opts.video, 'video.mp4');
    if (opts.card !== undefined) await addFile(form, 'card', opts.card, 'card.jpg');
    return this.send('/face/livedetectfour', form);
  }

  async idcardlivedetectfour(opts: {
    validateData: string;
    video: FileInput;
    idcardNumber: string;
    idcardName: string;
    seq?: string;
  }): Promise<Envelope<IdcardLiveDetectFourData | ErrorData>> {
    const form = this.form({ validate_data: opts.validateData, idcard_number: opts.idcardNumber, idcard_name: opts.idcardName, seq: opts.seq });
    await addFile(form, 'video', opts.video, 'video.mp4');
    return this.send('/face/idcardlivedetectfour', form);
  }

  /** With `url` the server downloads the photo (JSON request); with `image` it is uploaded (multipart). */
  async idcardcompare(opts: {
    idcardNumber: string;
    idcardName: string;
    url?: string;
    image?: FileInput;
    sessionId?: string;
  }): Promise<Envelope<IdcardCompareData | ErrorData>> {
    const fields = { idcard_number: opts.idcardNumber, idcard_name: opts.idcardName, url: opts.url, session_id: opts.sessionId };
    if (opts.image === undefined) return this.json('/face/idcardcompare', { appid: this.opts.appid, bucket: this.opts.bucket, ...fields });
    const form = this.form(fields);
    await addFile(form, 'image', opts.image, 'image.jpg');
    return this.send('/face/idcardcompare', form);
  }

  async livedetectpicture(opts: { url?: string; image?: FileInput; sessionId?: string }): Promise<Envelope<LiveDetectPictureData | ErrorData>> {
    const fields = { url: opts.url, session_id: opts.sessionId };
    if (opts.image === undefined) return this.json('/face/livedetectpicture', { appid: this.opts.appid, bucket: this.opts.bucket, ...fields });
    const form = this.form(fields);
    await addFile(form, 'image', opts.image, 'image.jpg');
    return this.send('/face/livedetectpicture', form);
  }

  /**
   * Starts a hosted capture: send the user to `data.url` (or embed <livecheck-capture token=...>).
   * `card` (a photo to compare with) or `idcard` (the registry's reference) asks for a comparison.
   */
  async createCaptureSession(opts: {
    lang?: 'zh-CN' | 'en';
    redirectUrl?: string;
    callbackUrl?: string;
    maxAttempts?: number;
    seq?: string;
    card?: FileInput;
    idcard?: { number: string; name: string };
  }): Promise<Envelope<CreateCaptureSessionData | ErrorData>> {
    const card = opts.card === undefined ? undefined : Buffer.from(typeof opts.card === 'string' ? await readFile(opts.card) : opts.card).toString('base64');
    return this.json('/capture/sessions', {
      appid: this.opts.appid,
      lang: opts.lang,
      redirect_url: opts.redirectUrl,
      callback_url: opts.callbackUrl,
      max_attempts: opts.maxAttempts,
      seq: opts.seq,
      card,
      idcard_number: opts.idcard?.number,
      idcard_name: opts.idcard?.name,
    });
  }

  /** A capture session's state and latest result, by its id or by the token the redirect carried. */
  captureResult(ref: { sessionId: string } | { token: string }): Promise<Envelope<CaptureSessionData | ErrorData>> {
    const key = 'sessionId' in ref ? { session_id: ref.sessionId } : { token: ref.token };
    return this.json('/capture/sessions/result', { appid: this.opts.appid, ...key });
  }

  private form(fields: Record<string, string | undefined>): FormData {
    const form = new FormData();
    form.append('appid', this.opts.appid);
    if (this.opts.bucket) form.append('bucket', this.opts.bucket);
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, v);
    return form;
  }

  private json<D>(path: string, body: Record<string, unknown>): Promise<Envelope<D>> {
    const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    return this.send(path, JSON.stringify(clean), 'application/json');
  }

  private async send<D>(path: string, body: FormData | string, contentType?: string): Promise<Envelope<D>> {
    const headers: Record<string, string> = { authorization: this.authorization() };
    if (contentType) headers['content-type'] = contentType;
    const res = await fetch(new URL(path, this.opts.baseUrl), { method: 'POST', headers, body });
    const text = await res.text();
    try {
      return JSON.parse(text) as Envelope<D>;
    } catch {
      throw new Error(`livecheck answered HTTP ${res.status} without a JSON envelope: ${text.slice(0, 200)}`);
    }
  }
}

async function addFile(form: FormData, field: string, input: FileInput, fallbackName: string): Promise<void> {
  const bytes = typeof input === 'string' ? await readFile(input) : input;
  const name = typeof input === 'string' ? basename(input) : fallbackName;
  // Copied into a plain ArrayBuffer: Blob refuses views over a SharedArrayBuffer.
  form.append(field, new Blob([Uint8Array.from(bytes)]), name);
}
