import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AppStore, type Credentials } from '../auth/apps.js';
import { LivecheckClient } from '../client/index.js';
import { loadConfig, type Config } from '../config/index.js';
import type { FaceTemplate, Inference } from '../core/inference.js';
import { openDatabase, type Db } from '../store/db.js';
import { FetchImageError } from '../fetch/index.js';
import type { FetchImage, IdentityLookup } from './deps.js';
import { FakeInference } from './fake-inference.test-helper.js';
import { buildServer } from './server.js';

export const TEMPLATE: FaceTemplate = { model: 'test', embedding: [0.1, 0.2] };

/** TEST DOUBLE of the identity registry: one enrolled ID. */
export const fakeIdentity: IdentityLookup = {
  lookup(number, name) {
    if (number !== '11010519491231002X') return { ok: false, error: /^\d{17}[\dX]$/.test(number) ? 'ID_NOT_ENROLLED' : 'ID_NUMBER_INVALID' };
    if (name !== '张三') return { ok: false, error: 'ID_NAME_MISMATCH' };
    return { ok: true, template: TEMPLATE };
  },
};

/** TEST DOUBLE of src/fetch: serves a few bytes for https://img.test/ URLs, fails otherwise. */
export const fakeFetch: FetchImage = async (url) => {
  if (url.startsWith('https://img.test/')) return Uint8Array.from([1, 2, 3]);
  throw new FetchImageError('address-blocked', 'test double refuses everything but img.test');
};

export interface TestServer {
  app: FastifyInstance;
  baseUrl: string;
  db: Db;
  apps: AppStore;
  creds: Credentials;
  client: LivecheckClient;
  inference: FakeInference;
  config: Config;
  clientFor(c: Credentials): LivecheckClient;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1:0 over a private data dir, with one app allowed everything. */
export async function startTestServer(
  opts: { config?: Partial<Config>; inference?: Inference; clock?: () => number; realRegistry?: boolean; realFetch?: boolean; captureAssetsDir?: string; housekeepingEveryMs?: number } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-api-'));
  const masterKey = randomBytes(32).toString('base64');
  const config = loadConfig({ overrides: { dataDir, masterKey, logLevel: 'silent', port: 0, rateLimitPerMinute: 0, ...opts.config } });
  const db = openDatabase(dataDir);
  const inference = new FakeInference();
  const identity = opts.realRegistry ? undefined : fakeIdentity;
  const fetchImage = opts.realFetch ? undefined : fakeFetch;
  const app = buildServer({
    config,
    db,
    inference: opts.inference ?? inference,
    clock: opts.clock,
    identity,
    fetchImage,
    authCacheMs: 0,
    captureAssetsDir: opts.captureAssetsDir,
    housekeepingEveryMs: opts.housekeepingEveryMs,
  });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const apps = new AppStore(db, Buffer.from(masterKey, 'base64'));
  const creds = apps.createApp({ appid: '1000001' });
  const clientFor = (c: Credentials) => new LivecheckClient({ baseUrl, ...c });
  return {
    app,
    baseUrl,
    db,
    apps,
    creds,
    client: clientFor(creds),
    inference,
    config,
    clientFor,
    close: async () => {
      await app.close();
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
