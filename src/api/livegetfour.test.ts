import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signToken } from '../auth/signature.js';
import { LivecheckClient } from '../client/index.js';
import { post } from './http.test-helper.js';
import { startTestServer, type TestServer } from './test-server.test-helper.js';

let s: TestServer;
let nowMs = Date.now();

before(async () => {
  s = await startTestServer({ clock: () => nowMs });
});
after(() => s.close());

const json = (body: unknown, authorization?: string) => ({
  headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
  body: JSON.stringify(body),
});
const token = (over: Partial<Parameters<typeof signToken>[0]> = {}) => signToken({ ...s.creds, now: Math.floor(nowMs / 1000), ...over });

describe('POST /face/livegetfour', () => {
  it('issues 4 digits in the SPEC envelope and echoes seq', async () => {
    const res = await s.client.livegetfour({ seq: 'req-1' });
    assert.equal(res.code, 0);
    assert.equal(res.message, 'OK');
    assert.match((res.data as { validate_data: string }).validate_data, /^\d{4}$/);
    assert.equal((res.data as { seq: string }).seq, 'req-1');
  });

  it('accepts a numeric appid and an ignored bucket, as the SDKs send them', async () => {
    const r = await post(s.baseUrl, '/face/livegetfour', json({ appid: 1000001, bucket: 'newbucket' }, token()));
    assert.equal(r.status, 200);
    assert.equal(r.body.code, 0);
  });

  it('answers 4 without an Authorization header and 5 for the truncated documentation sample', async () => {
    assert.equal((await post(s.baseUrl, '/face/livegetfour', json({ appid: '1000001' }))).body.code, 4);
    const r = await post(s.baseUrl, '/face/livegetfour', json({ appid: '1000001' }, 'FCHXdPTEwMDAwMzc5Jms9QUtJRGVRZDBrRU1yM2J4ZjhRckJi=='));
    assert.deepEqual([r.status, r.body.code], [401, 5]);
  });

  it('answers 6, 10, 11, 12 and 14 for the wrong appid, app, SecretId, pairing and key', async () => {
    const other = await s.apps.createApp({ appid: '1000002' });
    const cases: Array<[string, string, number]> = [
      ['1000002', token(), 6],
      ['777', token({ appid: '777' }), 10],
      ['1000001', token({ secretId: 'AKIDunknown0000' }), 11],
      ['1000001', token({ secretId: other.secretId, secretKey: other.secretKey }), 12],
      ['1000001', token({ secretKey: 'not-the-secret-key' }), 14],
    ];
    for (const [appid, auth, code] of cases) {
      const r = await post(s.baseUrl, '/face/livegetfour', json({ appid }, auth));
      assert.equal(r.body.code, code, `expected ${code}: ${r.body.message}`);
      assert.ok(r.status >= 400);
    }
  });

  it('answers 9 for an expired signature (injected clock)', async () => {
    const old = token({ ttlSec: 60 });
    nowMs += 61_000;
    try {
      assert.equal((await post(s.baseUrl, '/face/livegetfour', json({ appid: '1000001' }, old))).body.code, 9);
    } finally {
      nowMs -= 61_000;
    }
  });

  it('lets exactly one of ten concurrent requests with one single-use signature through (13 for the rest)', async () => {
    const once = token({ once: '/1000001/file-1' });
    const results = await Promise.all(Array.from({ length: 10 }, () => post(s.baseUrl, '/face/livegetfour', json({ appid: '1000001' }, once))));
    const codes = results.map((r) => r.body.code).sort((a, b) => a - b);
    assert.deepEqual(codes, [0, 13, 13, 13, 13, 13, 13, 13, 13, 13]);
  });

  it('answers 3 "account abnormal" for a disabled app and 24 for a service it may not call', async () => {
    const c = await s.apps.createApp({ appid: '1000003', services: ['livedetectpicture'] });
    const client = s.clientFor(c);
    assert.equal((await client.livegetfour()).code, 24);
    await s.apps.setEnabled('1000003', false);
    const r = await client.livegetfour();
    assert.equal(r.code, 3);
    assert.match(r.message, /account abnormal/);
  });

  it('answers 15 with HTTP 429 beyond the per-app rate limit', async () => {
    const c = await s.apps.createApp({ appid: '1000004', rateLimitPerMinute: 2 });
    const client = new LivecheckClient({ baseUrl: s.baseUrl, ...c });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await client.livegetfour()).code);
    assert.deepEqual(codes, [0, 0, 15]);
  });
});

describe('malformed requests get a clear code, never a 500', () => {
  const cases: Array<[string, { headers?: Record<string, string>; body?: string }, number]> = [
    ['bad JSON', { headers: { 'content-type': 'application/json' }, body: '{"appid": ' }, 3],
    ['empty JSON body', { headers: { 'content-type': 'application/json' }, body: '' }, 3],
    ['a JSON array', { headers: { 'content-type': 'application/json' }, body: '[1,2]' }, 21],
    ['missing appid', { headers: { 'content-type': 'application/json' }, body: '{"seq":"x"}' }, 21],
    ['appid of the wrong type', { headers: { 'content-type': 'application/json' }, body: '{"appid":{"a":1}}' }, 21],
    ['a huge appid', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appid: 'x'.repeat(100_000) }) }, 21],
    ['an unsupported content type', { headers: { 'content-type': 'application/xml' }, body: '<appid/>' }, 21],
    ['a prototype-poisoning body', { headers: { 'content-type': 'application/json' }, body: '{"appid":"1","__proto__":{"x":1}}' }, 3],
  ];
  for (const [what, init, code] of cases) {
    it(`${what} -> ${code}`, async () => {
      const r = await post(s.baseUrl, '/face/livegetfour', init);
      assert.equal(r.body.code, code, r.body.message);
      assert.ok(r.status >= 400 && r.status < 500, `HTTP ${r.status}`);
      assert.equal(typeof r.body.message, 'string');
      assert.doesNotMatch(JSON.stringify(r.body), /\\n\s+at |node_modules/, 'no stack trace');
    });
  }

  it('a body over the limit -> 23 with HTTP 413', async () => {
    const r = await post(s.baseUrl, '/face/livegetfour', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appid: 'x'.repeat(7 * 1024 * 1024) }) });
    assert.deepEqual([r.status, r.body.code], [413, 23]);
  });

  it('HTTP that Node refuses to parse (a 20 KB header) -> 3 in the envelope with HTTP 431', async () => {
    const { request } = await import('node:http');
    const url = new URL(s.baseUrl);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: '/face/livegetfour', method: 'POST', headers: { 'x-big': 'a'.repeat(20_000) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(answer.status, 431);
    assert.equal(JSON.parse(answer.body).code, 3);
  });

  it('an unknown endpoint -> 3 with HTTP 404', async () => {
    const r = await post(s.baseUrl, '/face/nope', json({}));
    assert.deepEqual([r.status, r.body.code], [404, 3]);
  });
});
