import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { THRESHOLDS, type Threshold } from './thresholds.js';

/**
 * Service configuration. The embedded defaults run a complete service with no external
 * servers; a JSON file (`--config FILE` or LIVECHECK_CONFIG) overrides any subset, and a
 * few LIVECHECK_* variables override the most common settings.
 */
const ConfigSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    dataDir: z.string().default('./data'),
    /** Largest accepted request body; SPEC: "body up to 6 MB accepted". */
    bodyLimitBytes: z.number().int().positive().default(6 * 1024 * 1024),
    /**
     * Past bodyLimitBytes, up to this many more bytes are read and thrown away before the 23
     * answer, so a client that writes its whole body before reading (Python requests) gets it;
     * a longer body gets the answer and a closed connection.
     */
    bodyDrainBytes: z.number().int().nonnegative().default(16 * 1024 * 1024),
    /** Time to receive the request line and headers (code 3, HTTP 408). */
    headersTimeoutMs: z.number().int().positive().default(10_000),
    /** Time to receive a whole request, headers and body (code 3, HTTP 408). */
    requestTimeoutMs: z.number().int().positive().default(120_000),
    /** Longest pause while a request body arrives (code 3, HTTP 408). */
    bodyIdleTimeoutMs: z.number().int().positive().default(15_000),
    /** Requests whose body is still arriving, per client address; more get 15 (HTTP 429). 0: no bound. */
    maxUploadsPerAddress: z.number().int().nonnegative().default(16),
    /**
     * Behind a reverse proxy: which proxies' X-Forwarded-For to believe for the client address
     * (Fastify's trustProxy: true, or proxy addresses / CIDR ranges).
     */
    trustProxy: z.union([z.boolean(), z.string(), z.array(z.string())]).default(false),
    challengeTtlSec: z.number().int().positive().default(600),
    /**
     * A used or expired challenge is kept this long: its digits are not issued again to the same
     * app meanwhile, and a late verification learns "used" / "expired" rather than "unknown".
     */
    challengeRetentionSec: z.number().int().nonnegative().default(300),
    /** Verification records older than this are deleted; 0 keeps them for ever. */
    recordRetentionDays: z.number().nonnegative().default(90),
    /** Accepted difference between the signature's t and the server clock. */
    clockSkewSec: z.number().int().nonnegative().default(300),
    /** Multi-use signatures may live at most this long after t (SPEC: 3 months). */
    maxSignatureTtlSec: z.number().int().positive().default(92 * 24 * 3600),
    /** Default per-app limit; apps can carry their own. 0 disables. */
    rateLimitPerMinute: z.number().int().nonnegative().default(600),
    workers: z.number().int().positive().default(defaultWorkers()),
    /** A verification borrows a second idle worker to track half its frames (docs/performance.md). */
    splitWhenIdle: z.boolean().default(true),
    /** Requests waiting for a worker beyond this are refused at once with SERVER_BUSY. */
    maxQueue: z.number().int().nonnegative().default(16),
    /** Keep videos, photos and face templates after the request (off: SPEC Security). */
    retention: z.boolean().default(false),
    fetch: z
      .object({
        allowPrivate: z.boolean().default(false),
        maxBytes: z.number().int().positive().default(6 * 1024 * 1024),
        timeoutMs: z.number().int().positive().default(10_000),
        maxRedirects: z.number().int().min(0).max(3).default(3),
      })
      .default({}),
    /** Hosted capture page and its sessions (docs/api.md "Capture sessions"). */
    capture: z
      .object({
        /** Base URL the page links use (e.g. https://verify.example.com); default: the request's own host. */
        publicUrl: z.string().url().optional(),
        /** How long a session's token can be used (page opened, digits issued, video uploaded). */
        sessionTtlSec: z.number().int().positive().default(600),
        /** Videos a session may have verified; an app may ask for fewer per session. */
        maxAttempts: z.number().int().min(1).max(10).default(3),
        /** A finished session (its result, and the face photo of a comparison) is deleted this long after it ended. */
        resultTtlSec: z.number().int().positive().default(3600),
        callbacks: z
          .object({
            /** Private, loopback and link-local callback addresses are refused unless this is set. */
            allowPrivate: z.boolean().default(false),
            timeoutMs: z.number().int().positive().default(5000),
            /** Waits before each retry of a failed delivery; its length is the number of retries. */
            retryDelaysSec: z.array(z.number().int().positive()).max(20).default([5, 30, 120, 600, 1800]),
          })
          .default({}),
      })
      .default({}),
    masterKey: z.string().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    thresholds: z.record(z.string(), z.record(z.string(), z.number())).default({}),
  })
  .strict()
  // Node's HTTP server refuses a header timeout longer than the request timeout.
  .refine((c) => c.headersTimeoutMs <= c.requestTimeoutMs, { message: 'headersTimeoutMs must not exceed requestTimeoutMs', path: ['headersTimeoutMs'] });

export type Config = z.infer<typeof ConfigSchema>;

function defaultWorkers(): number {
  // availableParallelism honours cgroup/affinity limits where cpus().length does not.
  return Math.max(1, Number(process.env.LIVECHECK_WORKERS) || availableParallelism());
}

export function loadConfig(opts: { file?: string; overrides?: Partial<Config> } = {}): Config {
  const file = opts.file ?? process.env.LIVECHECK_CONFIG;
  const fromFile = file ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : {};
  const fromEnv: Record<string, unknown> = {};
  if (process.env.LIVECHECK_PORT) fromEnv.port = Number(process.env.LIVECHECK_PORT);
  if (process.env.LIVECHECK_DATA) fromEnv.dataDir = process.env.LIVECHECK_DATA;
  if (process.env.LIVECHECK_MASTER_KEY) fromEnv.masterKey = process.env.LIVECHECK_MASTER_KEY;
  if (process.env.LIVECHECK_LOG_LEVEL) fromEnv.logLevel = process.env.LIVECHECK_LOG_LEVEL;
  const merged = { ...(fromFile as object), ...fromEnv, ...stripUndefined(opts.overrides ?? {}) };
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  validateThresholdOverrides(parsed.data.thresholds);
  return parsed.data;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateThresholdOverrides(over: Config['thresholds']): void {
  for (const [section, values] of Object.entries(over)) {
    const known = (THRESHOLDS as Record<string, Record<string, Threshold>>)[section];
    if (!known) throw new Error(`invalid configuration: unknown threshold section "${section}"`);
    for (const key of Object.keys(values)) {
      if (!(key in known)) throw new Error(`invalid configuration: unknown threshold "${section}.${key}"`);
    }
  }
}

/** Resolved threshold values: defaults with the operator's overrides applied. */
export type Thresholds = { [S in keyof typeof THRESHOLDS]: { [K in keyof (typeof THRESHOLDS)[S]]: number } };

export function resolveThresholds(over: Config['thresholds'] = {}): Thresholds {
  const out: Record<string, Record<string, number>> = {};
  for (const [section, values] of Object.entries(describeThresholds(over))) {
    out[section] = {};
    for (const [key, th] of Object.entries(values)) out[section][key] = th.value;
  }
  return out as Thresholds;
}

export interface DescribedThreshold {
  value: number;
  default: number;
  why: string;
}

/**
 * Every threshold with its effective value, default and the figure behind it (`livecheck
 * config`). The static table stays inside src/config: stages receive resolved values only.
 */
export function describeThresholds(over: Config['thresholds'] = {}): Record<string, Record<string, DescribedThreshold>> {
  const out: Record<string, Record<string, DescribedThreshold>> = {};
  for (const [section, values] of Object.entries(THRESHOLDS as Record<string, Record<string, Threshold>>)) {
    out[section] = {};
    for (const [key, th] of Object.entries(values)) out[section][key] = { value: over[section]?.[key] ?? th.value, default: th.value, why: th.why };
  }
  return out;
}
