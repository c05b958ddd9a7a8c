import type { Config } from '../config/index.js';
import type { CaptureSession, SessionRepository } from '../store/sessions.js';
import { CALLBACK_SIGNATURE_HEADER, signCallback } from './callback-signature.js';
import { sessionResult } from './session-view.js';

/** Sends one callback; resolves to the HTTP status (src/fetch postJson under the address policy). */
export type PostCallback = (url: string, body: string, headers: Record<string, string>) => Promise<number>;

/** The SecretKey of the key pair that created a session (src/auth AppStore.lookupKey). */
export type KeyLookup = (secretId: string) => { secretKey: string; revoked: boolean } | undefined;

export interface CallbackLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DispatcherOptions {
  sessions: SessionRepository;
  keys: KeyLookup;
  post: PostCallback;
  clock: () => number;
  capture: Config['capture'];
  log: CallbackLog;
}

/** Deliveries started per tick; the rest wait for the next tick. */
const BATCH = 8;
const TICK_MS = 1000;

/**
 * The background side of capture sessions: marks pending sessions expired once their token
 * lifetime is over, delivers the callbacks of final sessions (signed, retried on the
 * configured schedule) and deletes sessions resultTtlSec after they ended. Its state lives in
 * the sessions table, so a restart resumes pending deliveries and several server processes
 * sharing a data dir never send one delivery twice at the same time (claims are leased).
 */
export class CallbackDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly o: DispatcherOptions) {}

  start(): void {
    this.timer ??= setInterval(() => this.kick(), TICK_MS).unref();
  }

  /** Runs a tick now (a session just ended); ticks never overlap. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.tick();
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async tick(): Promise<void> {
    const now = this.o.clock();
    try {
      this.o.sessions.expireDue(now);
      this.o.sessions.purge(now - this.o.capture.resultTtlSec * 1000);
      const lease = this.o.capture.callbacks.timeoutMs + 5000;
      const due = this.o.sessions.claimCallbacks(now, lease, BATCH);
      await Promise.all(due.map((s) => this.deliver(s)));
    } catch (err) {
      this.o.log.warn({ err }, 'capture session housekeeping failed');
    }
  }

  private async deliver(s: CaptureSession): Promise<void> {
    const url = s.callbackUrl as string;
    const now = this.o.clock();
    let failure: string;
    try {
      const key = this.o.keys(s.secretId);
      if (!key || key.revoked) {
        // Nobody could verify a signature by a revoked key: retrying would not help.
        this.o.sessions.callbackFailed(s.id, 'the key pair that created the session was revoked', null);
        this.o.log.warn({ session: s.id, appid: s.appid }, 'capture callback not sent: key revoked');
        return;
      }
      const body = JSON.stringify({ code: 0, message: 'OK', data: sessionResult(s, now) });
      const headers = { [CALLBACK_SIGNATURE_HEADER]: signCallback(body, s.secretId, key.secretKey, Math.floor(now / 1000)), 'user-agent': 'livecheck-callback' };
      const status = await this.o.post(url, body, headers);
      if (status >= 200 && status < 300) {
        this.o.sessions.callbackDelivered(s.id);
        this.o.log.info({ session: s.id, appid: s.appid, attempt: s.callbackAttempts }, 'capture callback delivered');
        return;
      }
      failure = `HTTP ${status}`;
    } catch (err) {
      failure = (err as Error).message;
    }
    // callbackAttempts counts this delivery (the claim incremented it).
    const delays = this.o.capture.callbacks.retryDelaysSec;
    const next = s.callbackAttempts <= delays.length ? now + delays[s.callbackAttempts - 1] * 1000 : null;
    this.o.sessions.callbackFailed(s.id, failure, next);
    this.o.log.warn({ session: s.id, appid: s.appid, attempt: s.callbackAttempts, error: failure, retry: next !== null }, 'capture callback failed');
  }
}
