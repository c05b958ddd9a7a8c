import type { Service } from '../auth/services.js';
import type { RouteDoc } from './openapi.js';
import type { UploadFile } from './uploads.js';

/** Hosted capture flow (routes/capture-*.ts): labels for metrics, logs and records. */
export type CaptureEndpoint = 'capture_create' | 'capture_result' | 'capture_page' | 'capture_session' | 'capture_challenge' | 'capture_upload';
export type Endpoint = Service | CaptureEndpoint;

/** Per-request bookkeeping: what the records row, the metrics and the cleanup need. */
export interface RequestState {
  receivedAt: number;
  endpoint: Endpoint | null;
  appid: string | null;
  /** The signature checked out: only such requests leave a records row. */
  authenticated: boolean;
  /** Envelope code sent, set by the envelope helpers. */
  code: number | null;
  message: string;
  liveStatus: number | null;
  compareStatus: number | null;
  score: number | null;
  timingsMs: Record<string, number>;
  checks: unknown[];
  /** Uploads to dispose of (or keep, with retention) after the response. */
  files: UploadFile[];
  /** Body bytes read so far by our own reader (multipart). */
  bodyBytes: number;
  /** Answer without reading the rest of the body (the client is refused for holding too many). */
  noDrain: boolean;
  /** Why the connection was answered and closed outside the route (a stalled body), if it was. */
  closedWith: string | null;
  /** The records row is written (before the answer is sent). */
  recorded: boolean;
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
    /** The route in the OpenAPI document (GET /openapi.json). */
    doc?: RouteDoc;
  }
}

export function newRequestState(receivedAt: number, endpoint: Endpoint | null): RequestState {
  return {
    receivedAt,
    endpoint,
    appid: null,
    authenticated: false,
    code: null,
    message: '',
    liveStatus: null,
    compareStatus: null,
    score: null,
    timingsMs: {},
    checks: [],
    files: [],
    bodyBytes: 0,
    noDrain: false,
    closedWith: null,
    recorded: false,
    sessionId: null,
    handlerRunning: false,
    responseClosed: false,
    clientGone: false,
    finished: false,
  };
}
