import assert from 'node:assert/strict';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signToken } from '../auth/signature.js';
import { ChallengeStore } from '../challenge/store.js';
import type { LiveDetectFourData } from '../client/index.js';
import { RecordStore } from '../store/records.js';
import { post } from './http.test-helper.js';
import { startTestServer, type TestServer } from './test-server.test-helper.js';

/** Slow, stalled and greedy clients, and what the service keeps about them. */
let s: TestServer;
const IDLE_MS = 800;
const HEADERS_MS = 1000;
const REQUEST_MS = 3000;
const PER_ADDRESS = 4;

before(async () => {
  s = await startTestServer({
    config: { bodyIdleTimeoutMs: IDLE_MS, headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS, maxUploadsPerAddress: PER_ADDRESS },
  });
});
after(() => s.close());

interface RawExchange {
  socket: Socket;
  /** Resolves when the server closes the connection: what it answered and after how long. */
  closed: Promise<{ response: string; ms: number }>;
}

async function open(): Promise<RawExchange> {
  const url = new URL(s.baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const started = performance.now();
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closed = once(socket, 'close').then(() => ({ response: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
  return { socket, closed };
}

/** Headers of a signed multipart upload declaring a 1 MB body, and the first few bytes of it. */
function uploadStart(server: TestServer = s): string {
  return (
    `POST /face/livedetectfour HTTP/1.1\r\nHost: x\r\nAuthorization: ${signToken(server.creds)}\r\n` +
    `Content-Type: multipart/form-data; boundary=B\r\nContent-Length: 1000000\r\n\r\n` +
    `--B\r\nContent-Disposition: form-data; name="video"; filename="v.mp4"\r\n\r\n0123456789`
  );
}

function answer(response: string): { status: number; code: number; message: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
  const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { code: number; message: string };
  return { status, code: body.code, message: body.message };
}

describe('stalled and slow clients', { timeout: 60_000 }, () => {
  it('an upload that stops sending is answered 3 (HTTP 408) and closed after bodyIdleTimeoutMs', async () => {
    const c = await open();
    c.socket.write(uploadStart());
    const { response, ms } = await c.closed;
    assert.deepEqual(answer(response), { status: 408, code: 3, message: `request timed out: no body data for ${IDLE_MS / 1000} s` });
    assert.ok(ms >= IDLE_MS - 50 && ms < IDLE_MS + 5000, `closed after ${Math.round(ms)} ms`);
  });

  it('100 stalled uploads are all answered and closed, none held open', async () => {
    const unbounded = await startTestServer({ config: { bodyIdleTimeoutMs: IDLE_MS, maxUploadsPerAddress: 0 } });
    try {
      const url = new URL(unbounded.baseUrl);
      const sockets = await Promise.all(
        Array.from({ length: 100 }, async () => {
          const socket = connect(Number(url.port), url.hostname);
          socket.on('error', () => undefined);
          // Reading, so the socket sees the server close it.
          socket.resume();
          await once(socket, 'connect');
          socket.write(uploadStart(unbounded));
          return socket;
        }),
      );
      const started = performance.now();
      await Promise.all(sockets.map((socket) => new Promise((closed) => (socket.closed ? closed(null) : socket.once('close', closed)))));
      // Each closes bodyIdleTimeoutMs after the server read its request; on a starved CPU that
      // reading is what takes time, so the bound is generous (before: all open after 70 s).
      assert.ok(performance.now() - started < 30_000, `all closed after ${Math.round(performance.now() - started)} ms`);
    } finally {
      await unbounded.close();
    }
  });

  it('headers that never end are answered 3 (HTTP 408) and closed after headersTimeoutMs', async () => {
    const c = await open();
    c.socket.write('POST /face/livegetfour HTTP/1.1\r\nHost: x\r\n');
    const { response, ms } = await c.closed;
    assert.deepEqual([answer(response).status, answer(response).code], [408, 3]);
    assert.ok(ms >= HEADERS_MS - 50 && ms < HEADERS_MS + 5000, `closed after ${Math.round(ms)} ms`);
  });

  it('a body trickled slower than requestTimeoutMs allows is answered 3 (HTTP 408) and closed', async () => {
    const c = await open();
    c.socket.write(uploadStart());
    const trickle = setInterval(() => c.socket.write('x'), IDLE_MS / 4);
    try {
      const { response, ms } = await c.closed;
      assert.deepEqual([answer(response).status, answer(response).code], [408, 3]);
      assert.ok(ms >= REQUEST_MS - 50 && ms < REQUEST_MS + 5000, `closed after ${Math.round(ms)} ms`);
    } finally {
      clearInterval(trickle);
    }
  });

  it(`more than ${PER_ADDRESS} uploads at once from one address: the next is answered 15 (HTTP 429) at once`, async () => {
    const held = await Promise.all(Array.from({ length: PER_ADDRESS }, () => open()));
    for (const c of held) c.socket.write(uploadStart());
    await new Promise((r) => setTimeout(r, 100));
    const extra = await open();
    extra.socket.write(uploadStart());
    const refused = await extra.closed;
    assert.deepEqual(answer(refused.response), { status: 429, code: 15, message: `too many uploads at once from this client address, retry later: at most ${PER_ADDRESS} at once` });
    // Answered 429 rather than held: a held upload would have got 408 after bodyIdleTimeoutMs.
    // Once the held uploads are gone, the address may upload again.
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    await new Promise((r) => setTimeout(r, 50));
    const later = await open();
    later.socket.write(uploadStart());
    assert.equal(answer((await later.closed).response).status, 408, 'accepted, then timed out as it stalls');
  });
});

describe('what is kept', () => {
  it('an unsigned request to a verification endpoint leaves no record, only the request counter', async () => {
    const form = new FormData();
    form.append('appid', s.creds.appid);
    const r = await post(s.baseUrl, '/face/livedetectfour', { body: form });
    assert.equal(r.body.code, 4);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(new RecordStore(s.db).list({ limit: 100_000 }).some((row) => row.requestId === r.body.data.request_id), false);
    const metrics = await (await fetch(new URL('/metrics', s.baseUrl))).text();
    assert.match(metrics, /livecheck_requests_total\{endpoint="livedetectfour",code="4"\} [1-9]/);
  });

  it('livecheck.db and its WAL files are readable by their owner only', () => {
    for (const f of ['livecheck.db', 'livecheck.db-wal', 'livecheck.db-shm']) {
      assert.equal(statSync(join(s.config.dataDir, f)).mode & 0o777, 0o600, f);
    }
  });

  it('records older than recordRetentionDays are purged by the running server', async () => {
    const kept = await startTestServer({ config: { recordRetentionDays: 30 }, housekeepingEveryMs: 50 });
    try {
      const now = Date.now();
      const row = { appid: 'x', endpoint: 'livedetectfour', finishedAt: 0, code: 0, liveStatus: 0, compareStatus: null, score: null, timingsMs: {}, checks: [], message: '' };
      const records = new RecordStore(kept.db);
      records.add({ ...row, requestId: 'old', receivedAt: now - 31 * 86_400_000 });
      records.add({ ...row, requestId: 'recent', receivedAt: now - 29 * 86_400_000 });
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(records.list().map((r) => r.requestId), ['recent']);
    } finally {
      await kept.close();
    }
  });
});

describe('challenge values', () => {
  it('one recorded reading cannot be redeemed twice however many challenges are live', async () => {
    const digits = async (): Promise<string> => ((await s.client.livegetfour()).data as { validate_data: string }).validate_data;
    // About 30% of the 10,000 values live at once, as under a flood at the rate limit.
    const store = new ChallengeStore(s.db, s.config.challengeTtlSec, s.config.challengeRetentionSec);
    await Promise.all(Array.from({ length: 3000 }, () => store.issue(s.creds.appid, Date.now())));
    const video = Buffer.from('a recorded reading');
    for (let i = 0; i < 40; i++) {
      const d = await digits();
      const first = await s.client.livedetectfour({ validateData: d, video });
      const replay = await s.client.livedetectfour({ validateData: d, video });
      assert.equal((first.data as LiveDetectFourData).live_status, 0);
      assert.equal((replay.data as LiveDetectFourData).live_msg, 'VALIDATE_DATA_USED', `${d} redeemed twice`);
    }
  });

  it('when every value is held for the app, livegetfour answers 15 (HTTP 429)', async () => {
    const full = await startTestServer();
    try {
      const store = new ChallengeStore(full.db, full.config.challengeTtlSec, full.config.challengeRetentionSec);
      await Promise.all(Array.from({ length: 10_000 }, () => store.issue(full.creds.appid, Date.now())));
      const r = await post(full.baseUrl, '/face/livegetfour', {
        headers: { authorization: signToken(full.creds), 'content-type': 'application/json' },
        body: JSON.stringify({ appid: full.creds.appid }),
      });
      assert.deepEqual([r.status, r.body.code], [429, 15]);
      assert.match(r.body.message, /every challenge value is live or recently used/);
    } finally {
      await full.close();
    }
  });
});
