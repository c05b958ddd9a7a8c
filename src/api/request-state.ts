import type { Service } from '../auth/services.js';

/** Hosted capture flow (routes/capture-*.ts): labels for metrics, logs and records. */
export type CaptureEndpoint = 'capture_create' | 'capture_result' | 'capture_page' | 'capture_session' | 'capture_challenge' | 'capture_upload';
export type Endpoint = Service | CaptureEndpoint;

/** Per-request bookkeeping: what the records row, the metrics and the cleanup need. */
export interface RequestState {
  receivedAt: number;
  endpoint: Endpoint | null;
  appid: string | null;
  /** Envelope code sent, set by the envelope helpers. */
  code: number | null;
  message: string;
  liveStatus: number | null;
  compareStatus: number | null;
  score: number | null;
  timingsMs: Record<string, number>;
  checks: unknown[];
  /** Uploaded temp files to remove (or keep, with retention) after the response. */
  files: string[];
  /** idcardcompare / livedetectpicture echo it in error answers too. */
  sessionId: string | null;
  /** The route handler is still working (it may outlive an aborted connection). */
  handlerRunning: boolean;
  responseClosed: boolean;
  /** The connection closed before the answer was written. */
  clientGone: boolean;
  finished: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    lc: RequestState;
  }
  interface FastifyContextConfig {
    endpoint?: Endpoint;
    /** Verification endpoints leave a records row whatever happens. */
    verification?: boolean;
  }
}

export function newRequestState(receivedAt: number, endpoint: Endpoint | null): RequestState {
  return {
    receivedAt,
    endpoint,
    appid: null,
    code: null,
    message: '',
    liveStatus: null,
    compareStatus: null,
    score: null,
    timingsMs: {},
    checks: [],
    files: [],
    sessionId: null,
    handlerRunning: false,
    responseClosed: false,
    clientGone: false,
    finished: false,
  };
}
