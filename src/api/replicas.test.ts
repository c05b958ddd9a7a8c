import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { AppStore, type Credentials } from '../auth/apps.js';
import { signToken } from '../auth/signature.js';
import { LivecheckClient, type LiveDetectFourData } from '../client/index.js';
import { loadConfig } from '../config/index.js';
import { createTestDatabase, POSTGRES_MISSING, testPostgresUrl } from '../core/test-servers.test-helper.js';
import { openPostgresStore, type Store } from '../store/index.js';
import { FakeInference } from './fake-inference.test-helper.js';
import { post } from './http.test-helper.js';
import { buildServer } from './server.js';
import { fakeFetch, fakeIdentity } from './test-server.test-helper.js';

/**
 * Two API replicas, each with its own connection pool, on one PostgreSQL database: what a load
 * balancer in front of several `livecheck serve` processes sees. Challenges, single-use
 * signatures, app state and records hold across them.
 */
const admin = testPostgresUrl();

interface Replica {
  app: FastifyInstance;
  store: Store;
  baseUrl: string;
  inference: FakeInference;
}

describe('API replicas sharing one PostgreSQL store', { skip: admin ? false : POSTGRES_MISSING }, () => {
  let database: { url: string; drop: () => Promise<void> };
  const dirs: string[] = [];
  const replicas: Replica[] = [];
  const masterKey = randomBytes(32).toString('base64');
  let creds: Credentials;
  let apps: AppStore;

  async function replica(): Promise<Replica> {
    const dataDir = mkdtempSync(join(tmpdir(), 'lc-replica-'));
    dirs.push(dataDir);
    const config = loadConfig({ overrides: { dataDir, databaseUrl: database.url, masterKey, logLevel: 'silent', rateLimitPerMinute: 0 } });
    const store = await openPostgresStore(database.url);
    const inference = new FakeInference();
    const app = buildServer({ config, store, inference, identity: fakeIdentity, fetchImage: fakeFetch, authCacheMs: 0 });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    return { app, store, baseUrl, inference };
  }

  const client = (r: Replica, c: Credentials = creds) => new LivecheckClient({ baseUrl: r.baseUrl, ...c });
  const livegetfour = (r: Replica, authorization: string, c: Credentials = creds) =>
    post(r.baseUrl, '/face/livegetfour', { headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ appid: c.appid }) });

  before(async () => {
    database = await createTestDatabase(admin as string);
    replicas.push(await replica(), await replica());
    apps = new AppStore(replicas[0].store.apps, Buffer.from(masterKey, 'base64'));
    creds = await apps.createApp({ appid: '7000001' });
  });
  after(async () => {
    for (const r of replicas) {
      await r.app.close();
      await r.store.close();
    }
    await database?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('verifies on one replica the challenge another issued, and refuses its reuse on either', async () => {
    const [a, b] = replicas;
    const digits = ((await client(a).livegetfour()).data as { validate_data: string }).validate_data;
    const video = Buffer.from('a reading');
    const first = (await client(b).livedetectfour({ validateData: digits, video })).data as LiveDetectFourData;
    assert.deepEqual([first.live_status, first.live_msg], [0, 'OK']);
    assert.equal(b.inference.videoCalls.at(-1)?.digits, digits);
    for (const r of [a, b]) {
      const again = (await client(r).livedetectfour({ validateData: digits, video })).data as LiveDetectFourData;
      assert.equal(again.live_msg, 'VALIDATE_DATA_USED');
    }
    const rows = await a.store.records.list({ appid: creds.appid });
    assert.ok(
      rows.some((row) => row.requestId === first.details.request_id && row.liveStatus === 0),
      "the verifying replica's record is in the shared store",
    );
  });

  it('refuses a single-use signature on the second replica once the first accepted it', async () => {
    const [a, b] = replicas;
    const once = signToken({ ...creds, once: 'file-1' });
    assert.equal((await livegetfour(a, once)).body.code, 0);
    assert.equal((await livegetfour(b, once)).body.code, 13);
  });

  it('lets exactly one of two replicas accept a single-use signature presented to both at once', async () => {
    for (let round = 0; round < 5; round++) {
      const once = signToken({ ...creds, once: `file-race-${round}` });
      const codes = (await Promise.all(replicas.flatMap((r) => [livegetfour(r, once), livegetfour(r, once)]))).map((x) => x.body.code).sort();
      assert.deepEqual(codes, [0, 13, 13, 13]);
    }
  });

  it('never issues one value twice to an app across replicas issuing at the same time', async () => {
    const other = await apps.createApp({ appid: '7000002' });
    const token = signToken(other);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => livegetfour(replicas[i % 2], token, other)));
    const digits = answers.map((x) => (x.body.data as { validate_data: string }).validate_data);
    assert.equal(new Set(digits).size, 200);
  });

  it('sees an app disabled through the shared store on every replica', async () => {
    const third = await apps.createApp({ appid: '7000003' });
    const token = signToken(third);
    assert.equal((await livegetfour(replicas[1], token, third)).body.code, 0);
    await apps.setEnabled('7000003', false);
    for (const r of replicas) assert.equal((await livegetfour(r, token, third)).body.code, 3);
  });

  it('answers /healthz with the shared database reachable', async () => {
    for (const r of replicas) {
      const res = await fetch(`${r.baseUrl}/healthz`);
      assert.equal(((await res.json()) as { data: { db: string } }).data.db, 'ok');
    }
  });
});
