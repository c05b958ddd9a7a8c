import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AppStore } from '../auth/apps.js';
import { LivecheckClient } from '../client/index.js';
import { loadConfig } from '../config/index.js';
import { openSqliteStore } from '../store/index.js';
import { FakeInference } from './fake-inference.test-helper.js';
import { buildServer } from './server.js';
import { fakeFetch, fakeIdentity, startTestServer, type TestServer } from './test-server.test-helper.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

describe('/healthz and /metrics', () => {
  it('/healthz answers without a signature when the database and the workers answer', async () => {
    const res = await fetch(new URL('/healthz', s.baseUrl));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { code: 0, message: 'OK', data: { db: 'ok', workers: 'ok' } });
  });

  it('/healthz answers 503 when the worker pool rejects work', async () => {
    const down = await startTestServer();
    try {
      down.inference.workers = 'down';
      const res = await fetch(new URL('/healthz', down.baseUrl));
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { code: 213, message: 'unhealthy', data: { db: 'ok', workers: 'down' } });
    } finally {
      await down.close();
    }
  });

  it('/metrics counts requests by endpoint and code, and verification checks', async () => {
    await s.client.livegetfour();
    await new LivecheckClient({ ...s.creds, baseUrl: s.baseUrl, secretKey: 'wrong-key-123' }).livegetfour();
    const digits = ((await s.client.livegetfour()).data as { validate_data: string }).validate_data;
    await s.client.livedetectfour({ validateData: digits, video: Buffer.from('v') });
    const text = await (await fetch(new URL('/metrics', s.baseUrl))).text();
    assert.match(text, /livecheck_requests_total\{endpoint="livegetfour",code="0"\} 2/);
    assert.match(text, /livecheck_requests_total\{endpoint="livegetfour",code="14"\} 1/);
    assert.match(text, /livecheck_verification_checks_total\{check="video",result="passed"\} 1/);
    assert.match(text, /livecheck_request_duration_seconds_bucket/);
    assert.match(text, /livecheck_inference_in_flight 0/);
  });
});

describe('retention', () => {
  it('keeps uploads under <dataDir>/retained only when retention is on', async () => {
    const kept = await startTestServer({ config: { retention: true } });
    try {
      const digits = ((await kept.client.livegetfour()).data as { validate_data: string }).validate_data;
      await kept.client.livedetectfour({ validateData: digits, video: Buffer.from('kept video') });
      await new Promise((r) => setTimeout(r, 50));
      const files = readdirSync(join(kept.config.dataDir, 'retained'));
      assert.equal(files.length, 1);
      assert.equal(readFileSync(join(kept.config.dataDir, 'retained', files[0]), 'utf8'), 'kept video');
      assert.deepEqual(readdirSync(join(kept.config.dataDir, 'tmp')), []);
    } finally {
      await kept.close();
    }
    assert.equal(existsSync(join(s.config.dataDir, 'retained')), false);
  });
});

describe('logs', () => {
  it('carry the request id on each request line (successful livegetfour at debug, failures at info) and never the Authorization header or a SecretKey', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lc-log-'));
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
    const masterKey = randomBytes(32).toString('base64');
    const config = loadConfig({ overrides: { dataDir, masterKey, logLevel: 'debug', rateLimitPerMinute: 0 } });
    const store = openSqliteStore(dataDir);
    const app = buildServer({ config, store, inference: new FakeInference(), identity: fakeIdentity, fetchImage: fakeFetch, logStream: stream });
    try {
      const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
      const creds = await new AppStore(store.apps, Buffer.from(masterKey, 'base64')).createApp();
      const client = new LivecheckClient({ baseUrl, ...creds });
      await client.livegetfour();
      await new LivecheckClient({ baseUrl, ...creds, appid: '1' }).livegetfour();
      await new Promise((r) => setTimeout(r, 50));
      const all = lines.join('\n');
      assert.equal(all.includes(creds.secretKey), false);
      assert.equal(all.includes(client.authorization()), false);
      const done = lines.map((l) => JSON.parse(l) as { msg: string; reqId?: string; code?: number; level: number }).filter((l) => l.msg === 'request done');
      assert.ok(done.every((l) => typeof l.reqId === 'string' && l.reqId.length === 36));
      assert.deepEqual(done.map((l) => [l.code, l.level]), [[0, 20], [10, 30]]);
    } finally {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
