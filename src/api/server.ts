import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppStore } from '../auth/apps.js';
import { Authenticator } from '../auth/authenticate.js';
import { loadMasterKey } from '../auth/masterkey.js';
import { MemoryRateLimitStore, type RateLimitStore } from '../auth/ratelimit.js';
import { ReplayStore } from '../auth/replay.js';
import { defaultAssetsDir, loadCaptureAssets } from '../capture/assets.js';
import { CallbackDispatcher, type PostCallback } from '../capture/callbacks.js';
import { ChallengeStore } from '../challenge/store.js';
import type { Config } from '../config/index.js';
import { ERRORS } from '../core/errors.js';
import type { Inference } from '../core/inference.js';
import { fetchImage, postJson } from '../fetch/index.js';
import { IdentityRegistry } from '../identity/index.js';
import type { Db } from '../store/db.js';
import { RecordStore } from '../store/records.js';
import { SessionStore } from '../store/sessions.js';
import { clientErrorHandler } from './client-error.js';
import type { ApiDeps, FetchImage, IdentityLookup } from './deps.js';
import { sendError } from './envelope.js';
import { mapError } from './error-mapping.js';
import { installLifecycle } from './hooks.js';
import { startHousekeeping } from './housekeeping.js';
import { ApiMetrics } from './metrics.js';
import { newRequestState } from './request-state.js';
import { captureBrowserRoutes } from './routes/capture-browser.js';
import { capturePageRoutes } from './routes/capture-page.js';
import { captureSessionRoutes } from './routes/capture-sessions.js';
import { installUploadGuards } from './upload-guards.js';
import { UploadDir } from './uploads.js';
import { healthRoute } from './routes/health.js';
import { idcardcompareRoute } from './routes/idcardcompare.js';
import { idcardlivedetectfourRoute } from './routes/idcardlivedetectfour.js';
import { livedetectfourRoute } from './routes/livedetectfour.js';
import { livedetectpictureRoute } from './routes/livedetectpicture.js';
import { livegetfourRoute } from './routes/livegetfour.js';
import { metricsRoute } from './routes/metrics.js';
import { openapiRoute } from './routes/openapi.js';
import type { DocumentedRoute } from './openapi.js';

export interface BuildServerOptions {
  config: Config;
  inference: Inference;
  db: Db;
  /** Milliseconds since the epoch (signature times, challenge expiry, records). */
  clock?: () => number;
  /** Defaults to the identity registry in `db`. */
  identity?: IdentityLookup;
  /** Defaults to src/fetch's safe downloader. */
  fetchImage?: FetchImage;
  /** Defaults to an in-memory store (one server process). */
  rateLimits?: RateLimitStore;
  /**
   * How long apps and keys read from SQLite are reused (default 1000 ms): the time within which
   * `apps disable` / `keys revoke` from the CLI reach a running server.
   */
  authCacheMs?: number;
  /** Where the JSON log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
  /** The capture page's built files (default dist/capture, written by npm run build). */
  captureAssetsDir?: string;
  /** Defaults to src/fetch's postJson under the capture.callbacks address policy. */
  postCallback?: PostCallback;
  /** How often expired challenges and old records are purged (default every minute). */
  housekeepingEveryMs?: number;
}

/**
 * The HTTP service: the five legacy endpoints, the hosted capture flow (/capture/...), /healthz
 * and /metrics. Every JSON answer is the SPEC envelope; every error the framework can raise is
 * mapped to a SPEC code.
 */
export function buildServer(opts: BuildServerOptions): FastifyInstance {
  const { config, db } = opts;
  const clock = opts.clock ?? Date.now;
  const dataDir = resolve(config.dataDir);
  const uploads = new UploadDir(join(dataDir, 'tmp'));
  const retainedDir = join(dataDir, 'retained');
  if (config.retention) mkdirSync(retainedDir, { recursive: true, mode: 0o700 });

  const apps = new AppStore(db, loadMasterKey({ masterKey: config.masterKey, dataDir }), clock);
  const sessions = new SessionStore(db);
  const deps: ApiDeps = {
    config,
    db,
    clock,
    auth: new Authenticator({
      apps,
      replay: new ReplayStore(db),
      rateLimits: opts.rateLimits ?? new MemoryRateLimitStore(),
      clock,
      clockSkewSec: config.clockSkewSec,
      maxSignatureTtlSec: config.maxSignatureTtlSec,
      defaultRateLimitPerMinute: config.rateLimitPerMinute,
      cacheMs: opts.authCacheMs ?? 1000,
    }),
    challenges: new ChallengeStore(db, config.challengeTtlSec, config.challengeRetentionSec),
    inference: opts.inference,
    identity: opts.identity ?? new IdentityRegistry(db, { retention: config.retention, dataDir }),
    fetchImage: opts.fetchImage ?? fetchImage,
    metrics: new ApiMetrics(),
    sessions,
    callbacks: new CallbackDispatcher({
      sessions,
      keys: (secretId) => apps.lookupKey(secretId),
      post: opts.postCallback ?? ((url, body, headers) => postJson(url, body, headers, config.capture.callbacks)),
      clock,
      capture: config.capture,
      log: { info: (o, m) => app.log.info(o, m), warn: (o, m) => app.log.warn(o, m) },
    }),
    captureAssets: loadCaptureAssets(opts.captureAssetsDir ?? defaultAssetsDir()),
    uploads,
  };

  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Defence in depth: request logs carry no headers, but a SecretKey must never reach a log.
      redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'secretKey', '*.secretKey'], censor: '[redacted]' },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    // Node checks the header and request timeouts every connectionsCheckingInterval (30 s by default).
    http: { headersTimeout: config.headersTimeoutMs, requestTimeout: config.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs / 2) },
    trustProxy: config.trustProxy,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    frameworkErrors: (err, req, reply) => answerError(err, req, reply, clock),
    clientErrorHandler,
  });
  // Multipart bodies are left unread here: routes stream them (multipart.ts) after authenticating.
  app.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null));
  const swept = uploads.sweep();
  if (swept.length > 0) app.log.warn({ files: swept.length }, 'removed uploads left by a process that ended without cleaning up');

  const records = new RecordStore(db);
  const wrap = installLifecycle(app, deps, records, retainedDir);
  installUploadGuards(app, config);
  const stopHousekeeping = startHousekeeping({ config, challenges: deps.challenges, records, clock, log: app.log, everyMs: opts.housekeepingEveryMs ?? 60_000 });
  app.addHook('onClose', (_app, done) => {
    stopHousekeeping();
    done();
  });
  app.setErrorHandler((err: FastifyError, req, reply) => answerError(err, req, reply, clock));
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 'BAD_REQUEST', `no such endpoint: ${req.method} ${req.url.slice(0, 200)}`, { request_id: req.id }, 404),
  );

  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (r) => {
    // HEAD routes are Fastify's automatic twins of the GET routes.
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url, doc: r.config?.doc });
  });
  livegetfourRoute(app, deps, wrap);
  livedetectfourRoute(app, deps, wrap);
  idcardlivedetectfourRoute(app, deps, wrap);
  idcardcompareRoute(app, deps, wrap);
  livedetectpictureRoute(app, deps, wrap);
  captureSessionRoutes(app, deps, wrap);
  captureBrowserRoutes(app, deps, wrap);
  capturePageRoutes(app, deps);
  healthRoute(app, deps);
  metricsRoute(app, deps);
  openapiRoute(app, routes);
  if (!deps.captureAssets) app.log.warn('the capture page is not built (npm run build): /capture/ answers 213');
  deps.callbacks.start();
  app.addHook('onClose', () => deps.callbacks.stop());
  return app;
}

function answerError(err: unknown, req: FastifyRequest, reply: FastifyReply, clock: () => number): FastifyReply {
  // Router-level errors (bad URL) arrive before onRequest has set up the request state.
  req.lc ??= newRequestState(clock(), null);
  const m = mapError(err);
  if (m.internal) req.log.error({ err }, 'request failed');
  const data: Record<string, unknown> = { request_id: req.id };
  if (req.lc.sessionId !== null) data.session_id = req.lc.sessionId;
  return sendError(reply, m.name, m.internal ? ERRORS[m.name].message : m.message, data, m.http);
}
