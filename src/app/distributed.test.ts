import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { post } from '../api/http.test-helper.js';
import { AppStore, type Credentials } from '../auth/apps.js';
import { signToken } from '../auth/signature.js';
import { LivecheckClient, type LiveDetectFourData } from '../client/index.js';
import { loadConfig } from '../config/index.js';
import { createTestDatabase, POSTGRES_MISSING, REDIS_MISSING, redisTestPrefix, testPostgresUrl, testRedisUrl } from '../core/test-servers.test-helper.js';
import { queueSettings, startService, type RunningService } from './service.js';

/**
 * The scaled-out mode end to end: two API processes (`serve --role api`, here in this process,
 * each with its own connection pool and Redis clients) in front of two verification worker
 * processes, one PostgreSQL database and one Redis. The workers run the FakeInference test
 * double (src/queue/worker-process.test-helper.ts): what is tested is where requests, jobs
 * and state go, not the models.
 */
const pgAdmin = testPostgresUrl();
const redisUrl = testRedisUrl();
const skip = !pgAdmin ? POSTGRES_MISSING : !redisUrl ? REDIS_MISSING : false;

interface Replica {
  service: RunningService;
  baseUrl: string;
}

interface WorkerProcess {
  child: ChildProcess;
  /** Digits of the verifications this worker started. */
  started: string[];
}

describe('two API replicas and two worker processes on PostgreSQL and Redis', { skip }, () => {
  let database: { url: string; drop: () => Promise<void> };
  const dirs: string[] = [];
  const replicas: Replica[] = [];
  const workers: WorkerProcess[] = [];
  const masterKey = randomBytes(32).toString('base64');
  const prefix = redisTestPrefix();
  let creds: Credentials;
  let apps: AppStore;

  const config = () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lc-replica-'));
    dirs.push(dataDir);
    return loadConfig({
      overrides: {
        dataDir,
        databaseUrl: database.url,
        redisUrl,
        role: 'api',
        masterKey,
        logLevel: 'silent',
        rateLimitPerMinute: 0,
        port: 0,
        queue: { prefix, maxWaiting: 16, jobTimeoutMs: 30_000, mediaTtlSec: 60, lockMs: 1000 },
      },
    });
  };

  async function replica(): Promise<Replica> {
    const service = await startService(config());
    return { service, baseUrl: service.address as string };
  }

  async function worker(): Promise<WorkerProcess> {
    const child = fork(fileURLToPath(new URL('../queue/worker-process.test-helper.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, LC_QUEUE: JSON.stringify(queueSettings(config())), LC_TMP: join(dirs[0], 'jobs') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const w: WorkerProcess = { child, started: [] };
    child.on('message', (m: { started?: string }) => m.started && w.started.push(m.started));
    await new Promise<void>((resolve) => child.on('message', (m: { ready?: number }) => m.ready && resolve()));
    return w;
  }

  const client = (r: Replica, c: Credentials = creds) => new LivecheckClient({ baseUrl: r.baseUrl, ...c });
  const livegetfour = (r: Replica, authorization: string, c: Credentials = creds) =>
    post(r.baseUrl, '/face/livegetfour', { headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ appid: c.appid }) });

  before(async () => {
    database = await createTestDatabase(pgAdmin as string);
    replicas.push(await replica(), await replica());
    workers.push(await worker(), await worker());
    apps = new AppStore(replicas[0].service.store!.apps, Buffer.from(masterKey, 'base64'));
    creds = await apps.createApp({ appid: '7000001' });
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    for (const r of replicas) await r.service.close();
    await database?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('verifies on one replica the challenge another issued, and refuses its reuse on either', async () => {
    const [a, b] = replicas;
    const digits = ((await client(a).livegetfour()).data as { validate_data: string }).validate_data;
    const video = Buffer.from('a reading');
    const first = (await client(b).livedetectfour({ validateData: digits, video })).data as LiveDetectFourData;
    assert.deepEqual([first.live_status, first.live_msg], [0, 'OK']);
    assert.equal(workers.filter((w) => w.started.includes(digits)).length, 1, 'one worker process ran it');
    for (const r of [a, b]) {
      const again = (await client(r).livedetectfour({ validateData: digits, video })).data as LiveDetectFourData;
      assert.equal(again.live_msg, 'VALIDATE_DATA_USED');
    }
    const rows = await a.service.store!.records.list({ appid: creds.appid });
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

  it('sees an app disabled through the shared store on every replica within the cache time', async () => {
    const third = await apps.createApp({ appid: '7000003' });
    const token = signToken(third);
    assert.equal((await livegetfour(replicas[1], token, third)).body.code, 0);
    await apps.setEnabled('7000003', false);
    await new Promise((r) => setTimeout(r, 1100));
    for (const r of replicas) assert.equal((await livegetfour(r, token, third)).body.code, 3);
  });

  it("counts an app's rate limit across replicas", async () => {
    const limited = await apps.createApp({ appid: '7000004', rateLimitPerMinute: 3 });
    const token = signToken(limited);
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await livegetfour(replicas[i % 2], token, limited)).body.code);
    assert.deepEqual(codes, [0, 0, 0, 15]);
  });

  it('answers a verification whose worker process was killed mid-job, from the other worker, and records it', async () => {
    for (const w of workers) w.child.send({ delayMs: 60_000 });
    const digits = ((await client(replicas[0]).livegetfour()).data as { validate_data: string }).validate_data;
    const answer = client(replicas[1]).livedetectfour({ validateData: digits, video: Buffer.from('a reading') });
    while (!workers.some((w) => w.started.includes(digits))) await new Promise((r) => setTimeout(r, 50));
    const doomed = workers.find((w) => w.started.includes(digits)) as WorkerProcess;
    const survivor = workers.find((w) => w !== doomed) as WorkerProcess;
    survivor.child.send({ delayMs: 0 });
    doomed.child.kill('SIGKILL');
    const data = (await answer).data as LiveDetectFourData;
    assert.deepEqual([data.live_status, data.live_msg], [0, 'OK']);
    assert.ok(survivor.started.includes(digits), 'the other worker ran the job again');
    const rows = await replicas[0].service.store!.records.list({ appid: creds.appid });
    assert.ok(rows.some((row) => row.requestId === data.details.request_id && row.liveStatus === 0));
  });

  it('answers /healthz with the shared database reachable', async () => {
    for (const r of replicas) {
      const res = await fetch(`${r.baseUrl}/healthz`);
      assert.equal(((await res.json()) as { data: { db: string } }).data.db, 'ok');
    }
  });
});
