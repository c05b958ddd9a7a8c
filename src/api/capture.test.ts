import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buildCaptureAssets } from '../capture/build.js';
import { AppBackend } from '../capture/callback-receiver.test-helper.js';
import { verifyCallbackSignature, type CaptureSessionData, type CreateCaptureSessionData } from '../client/index.js';
import type { EmbedResult } from '../core/inference.js';
import { loadConfig } from '../config/index.js';
import { FakeInference } from './fake-inference.test-helper.js';
import { post } from './http.test-helper.js';
import { startTestServer, TEMPLATE, type TestServer } from './test-server.test-helper.js';

/** TEST DOUBLE: also embeds card photos (the shared fake refuses every photo). */
class CardInference extends FakeInference {
  override async embedPhoto(image: Uint8Array): Promise<EmbedResult> {
    return image.length > 3 ? { ok: true, template: TEMPLATE } : { ok: false, error: 'CARD_DECODE_FAILED' };
  }
}

let now = Date.now();
const clock = () => now;
let s: TestServer;
let inference: CardInference;
let receiver: AppBackend;
const defaults = loadConfig({ overrides: { dataDir: '/nonexistent' } }).capture;

before(async () => {
  receiver = new AppBackend();
  await receiver.start();
  inference = new CardInference();
  s = await startTestServer({
    clock,
    inference,
    config: {
      capture: { ...defaults, maxAttempts: 3, publicUrl: 'https://verify.example.com/lc', callbacks: { allowPrivate: true, timeoutMs: 2000, retryDelaysSec: [2, 4] } },
    },
  });
});
after(async () => {
  await s.close();
  receiver.close();
});
beforeEach(() => {
  inference.videoOutcome = 'OK';
  inference.videoDelayMs = 0;
  receiver.statuses = [];
  receiver.deliveries.length = 0;
});

async function create(body: Parameters<TestServer['client']['createCaptureSession']>[0] = {}): Promise<CreateCaptureSessionData> {
  const res = await s.client.createCaptureSession(body);
  assert.equal(res.code, 0, res.message);
  return res.data as CreateCaptureSessionData;
}

async function page(token: string | null, path: string, init: { method?: string; body?: FormData } = {}) {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const res = await fetch(new URL(`/capture/api/${path}`, s.baseUrl), { method: init.method ?? 'POST', headers, body: init.body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { code: number; message: string; data: Record<string, unknown> } };
}

function video(): FormData {
  const form = new FormData();
  form.append('video', new Blob([Uint8Array.from([1, 2, 3, 4])]), 'capture.webm');
  return form;
}

/** One attempt as the page makes it: digits, then the upload. */
async function attempt(token: string) {
  const challenge = await page(token, 'challenge');
  assert.equal(challenge.body.code, 0, challenge.body.message);
  return page(token, 'upload', { body: video() });
}

async function result(ref: { sessionId: string } | { token: string }, client = s.client): Promise<CaptureSessionData> {
  const res = await client.captureResult(ref);
  assert.equal(res.code, 0, res.message);
  return res.data as CaptureSessionData;
}

describe('capture sessions: creation (signed)', () => {
  it('answers a session id, a bearer token and the page URL with the token in its fragment', async () => {
    const d = await create({ lang: 'en', seq: 'order-7' });
    assert.match(d.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(d.url, `https://verify.example.com/lc/capture/#token=${d.token}`);
    assert.equal(d.expires_in, defaults.sessionTtlSec);
    assert.equal(d.expires_at, Math.floor(now / 1000) + defaults.sessionTtlSec);
    assert.deepEqual([d.max_attempts, d.seq], [3, 'order-7']);
  });

  it('needs the legacy signature', async () => {
    const res = await post(s.baseUrl, '/capture/sessions', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appid: s.creds.appid }) });
    assert.deepEqual([res.status, res.body.code], [401, 4]);
  });

  it('refuses more attempts than the server allows, and an unknown language', async () => {
    assert.equal((await s.client.createCaptureSession({ maxAttempts: 4 })).code, 21);
    const res = await post(s.baseUrl, '/capture/sessions', {
      headers: { authorization: s.client.authorization(), 'content-type': 'application/json' },
      body: JSON.stringify({ appid: s.creds.appid, lang: 'fr' }),
    });
    assert.equal(res.body.code, 21);
  });

  it('refuses callback and redirect URLs that are not http(s)', async () => {
    assert.equal((await s.client.createCaptureSession({ callbackUrl: 'file:///etc/passwd' })).code, 21);
    assert.equal((await s.client.createCaptureSession({ redirectUrl: 'javascript:alert(1)' })).code, 21);
  });

  it('refuses a private callback address unless the operator allows it', async () => {
    const strict = await startTestServer({ config: { capture: { ...defaults, callbacks: { ...defaults.callbacks, allowPrivate: false } } } });
    try {
      const res = await strict.client.createCaptureSession({ callbackUrl: 'http://10.0.0.8/cb' });
      assert.equal(res.code, 21);
      assert.match(res.message, /address-blocked/);
    } finally {
      await strict.close();
    }
  });

  it('embeds the card photo at creation, and refuses a card without a usable face before the user records', async () => {
    const d = await create({ card: Uint8Array.from([9, 9, 9, 9, 9]) });
    assert.equal((await result({ sessionId: d.session_id })).compare, 'card');
    const bad = await s.client.createCaptureSession({ card: Uint8Array.from([1, 2]) });
    assert.deepEqual([bad.code, bad.message], [-4018, 'card photo could not be decoded']);
  });

  it('answers identity failures at the top level, like idcardlivedetectfour', async () => {
    const res = await s.client.createCaptureSession({ idcard: { number: '11010519491231002X', name: '李四' } });
    assert.equal(res.code, -5803);
  });
});

describe('capture sessions: the page API (bearer token)', () => {
  it('shows the page its session without scores: state, language, attempts, the redirect with only the token', async () => {
    const d = await create({ lang: 'en', redirectUrl: 'https://app.example.com/done?order=7' });
    const res = await page(d.token, 'session', { method: 'GET' });
    assert.equal(res.body.code, 0);
    assert.deepEqual(res.body.data, {
      state: 'pending',
      lang: 'en',
      max_attempts: 3,
      attempts_left: 3,
      expires_in: defaults.sessionTtlSec,
      redirect_url: `https://app.example.com/done?order=7&livecheck_token=${d.token}`,
      last: null,
    });
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('verifies an upload with the digits it issued, and a passing attempt ends the session', async () => {
    const d = await create();
    const challenge = await page(d.token, 'challenge');
    const digits = challenge.body.data.validate_data as string;
    assert.match(digits, /^\d{4}$/);
    const up = await page(d.token, 'upload', { body: video() });
    assert.equal(up.body.code, 0, up.body.message);
    assert.deepEqual([up.body.data.state, up.body.data.last], ['passed', { outcome: 'passed', hint: null }]);
    assert.equal(inference.videoCalls.at(-1)?.digits, digits);
    const records = (await import('../store/records.js')).RecordStore;
    const rows = new records(s.db).list({ appid: s.creds.appid }).filter((r) => r.endpoint === 'capture_upload');
    assert.equal(rows.at(-1)?.liveStatus, 0);
  });

  it('tells the user what to change after a failed attempt, never which attack check failed', async () => {
    const d = await create();
    inference.videoOutcome = 'DIGITS_MISMATCH';
    const first = await attempt(d.token);
    assert.deepEqual([first.body.data.state, first.body.data.attempts_left, first.body.data.last], ['pending', 2, { outcome: 'retry', hint: 'digits' }]);
    inference.videoOutcome = 'NOT_LIVE';
    const second = await attempt(d.token);
    assert.deepEqual(second.body.data.last, { outcome: 'retry', hint: 'other' });
  });

  it('refuses a token once its attempts are used (13), and the fetched result is the last attempt', async () => {
    const d = await create({ maxAttempts: 2 });
    inference.videoOutcome = 'TOO_FEW_FACES';
    await attempt(d.token);
    inference.videoOutcome = 'NO_SOUND';
    const last = await attempt(d.token);
    assert.deepEqual([last.body.data.state, last.body.data.last], ['failed', { outcome: 'failed', hint: 'voice' }]);
    for (const path of ['challenge', 'upload']) {
      const res = await page(d.token, path, { body: video() });
      assert.deepEqual([res.status, res.body.code], [401, 13], path);
    }
    const r = await result({ sessionId: d.session_id });
    assert.deepEqual([r.state, r.attempts_used, r.live_status, r.live_msg], ['failed', 2, -5007, 'VIDEO_NO_SOUND']);
  });

  it('refuses a token after a passing attempt (reused token)', async () => {
    const d = await create();
    await attempt(d.token);
    const again = await page(d.token, 'challenge');
    assert.deepEqual([again.status, again.body.code], [401, 13]);
  });

  it('refuses an expired token (9) but still tells the page the session expired', async () => {
    const d = await create({ redirectUrl: 'https://app.example.com/back' });
    assert.equal((await page(d.token, 'challenge')).body.code, 0);
    now += defaults.sessionTtlSec * 1000;
    try {
      for (const path of ['challenge', 'upload']) {
        const res = await page(d.token, path, { body: video() });
        assert.deepEqual([res.status, res.body.code], [401, 9], path);
      }
      const view = await page(d.token, 'session', { method: 'GET' });
      assert.equal(view.body.data.state, 'expired');
      assert.equal((await result({ token: d.token })).state, 'expired');
    } finally {
      now += 1000;
    }
  });

  it('refuses a missing (4), unknown or malformed (14) token', async () => {
    assert.deepEqual([(await page(null, 'challenge')).status, (await page(null, 'challenge')).body.code], [401, 4]);
    const unknown = await page('A'.repeat(43), 'upload', { body: video() });
    assert.deepEqual([unknown.status, unknown.body.code], [401, 14]);
    assert.equal((await page('not a token', 'session', { method: 'GET' })).body.code, 14);
  });

  it('asks for digits before an upload', async () => {
    const d = await create();
    const res = await page(d.token, 'upload', { body: video() });
    assert.equal(res.body.code, 21);
    assert.match(res.body.message, /challenge/);
  });

  it('gives the attempt back when the server is busy', async () => {
    const d = await create({ maxAttempts: 1 });
    inference.videoOutcome = 'busy';
    const busy = await attempt(d.token);
    assert.deepEqual([busy.status, busy.body.code], [503, 15]);
    inference.videoOutcome = 'OK';
    const retry = await attempt(d.token);
    assert.equal(retry.body.data.state, 'passed');
  });

  it('verifies one video of a session at a time', async () => {
    const d = await create();
    await page(d.token, 'challenge');
    inference.videoDelayMs = 300;
    const [a, b] = await Promise.all([page(d.token, 'upload', { body: video() }), new Promise((r) => setTimeout(r, 100)).then(() => page(d.token, 'upload', { body: video() }))]);
    assert.equal(a.body.code, 0);
    assert.deepEqual([b.status, b.body.code], [409, 15]);
  });

  it('answers CORS preflights, so an app can embed the element in its own pages', async () => {
    const res = await fetch(new URL('/capture/api/upload', s.baseUrl), {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/);
  });
});

describe('capture sessions: result fetch and callbacks (signed)', () => {
  it('gives the backend the livedetectfour fields plus the session fields', async () => {
    const d = await create({ seq: 'abc', card: Uint8Array.from([7, 7, 7, 7]) });
    await attempt(d.token);
    const r = await result({ sessionId: d.session_id });
    assert.deepEqual(
      { ...r, details: undefined, photo: typeof r.photo },
      {
        session_id: d.session_id,
        state: 'passed',
        lang: 'zh-CN',
        compare: 'card',
        attempts_used: 1,
        max_attempts: 3,
        created_at: r.created_at,
        expires_at: d.expires_at,
        finished_at: Math.floor(now / 1000),
        seq: 'abc',
        live_status: 0,
        live_msg: 'OK',
        compare_status: 0,
        compare_msg: 'OK',
        sim: 82,
        photo: 'string',
        details: undefined,
      },
    );
    assert.equal(typeof r.details?.request_id, 'string');
    assert.deepEqual(await result({ token: d.token }), r);
  });

  it('names the photo video_photo for an ID-card session, as idcardlivedetectfour does', async () => {
    const d = await create({ idcard: { number: '11010519491231002X', name: '张三' } });
    await attempt(d.token);
    const r = await result({ sessionId: d.session_id });
    assert.deepEqual([r.compare, r.compare_status, typeof r.video_photo, r.photo], ['idcard', 0, 'string', undefined]);
  });

  it("does not show one app another app's session, by id or by token (foreign token)", async () => {
    const d = await create();
    const other = s.clientFor(s.apps.createApp({ appid: 'other-app' }));
    for (const ref of [{ sessionId: d.session_id }, { token: d.token }]) {
      const res = await other.captureResult(ref);
      assert.deepEqual([res.code, res.message], [21, 'no capture session with this id for this appid']);
    }
    const unknown = await s.client.captureResult({ sessionId: '00000000-0000-0000-0000-000000000000' });
    assert.equal(unknown.code, 21);
  });

  it('POSTs the final session to the callback URL, signed with the key that created it', async () => {
    const d = await create({ callbackUrl: receiver.callbackUrl, maxAttempts: 1 });
    inference.videoOutcome = 'DIGITS_MISMATCH';
    await attempt(d.token);
    const [delivery] = await receiver.waitForDeliveries(1);
    const check = verifyCallbackSignature({ header: delivery.signature, body: delivery.body, secretKey: s.creds.secretKey, nowSec: Math.floor(now / 1000) });
    assert.deepEqual(check, { ok: true, secretId: s.creds.secretId, timeSec: Math.floor(now / 1000) });
    const delivered = JSON.parse(delivery.body) as { code: number; data: CaptureSessionData };
    assert.equal(delivered.code, 0);
    assert.deepEqual(delivered.data, await result({ sessionId: d.session_id }));
    assert.equal(delivered.data.live_msg, 'VIDEO_AUDIO_RECOG_FAILED');
  });

  it('a changed body, another key or an old delivery fails the callback signature check', async () => {
    const d = await create({ callbackUrl: receiver.callbackUrl, maxAttempts: 1 });
    await attempt(d.token);
    const [delivery] = await receiver.waitForDeliveries(1);
    const nowSec = Math.floor(now / 1000);
    const check = (over: Partial<Parameters<typeof verifyCallbackSignature>[0]>) =>
      verifyCallbackSignature({ header: delivery.signature, body: delivery.body, secretKey: s.creds.secretKey, nowSec, ...over });
    assert.deepEqual(check({ body: delivery.body.replace('"passed"', '"failed"') }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check({ secretKey: 'another-secret-key-entirely' }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check({ nowSec: nowSec + 301 }), { ok: false, reason: 'too-old' });
    assert.deepEqual(check({ header: undefined }), { ok: false, reason: 'malformed' });
    assert.deepEqual(check({ secretKey: (id) => (id === s.creds.secretId ? s.creds.secretKey : undefined) }).ok, true);
  });

  it('retries a failed delivery on the configured schedule, then gives up', async () => {
    const d = await create({ callbackUrl: receiver.callbackUrl, maxAttempts: 1 });
    receiver.statuses = [500, 503, 500];
    await attempt(d.token);
    await receiver.waitForDeliveries(1);
    now += 1999;
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal(receiver.deliveries.length, 1, 'no retry before the first delay');
    now += 1;
    await receiver.waitForDeliveries(2);
    now += 4000;
    await receiver.waitForDeliveries(3);
    now += 60_000;
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal(receiver.deliveries.length, 3, 'two retries configured, so three deliveries in all');
    const bodies = new Set(receiver.deliveries.map((x) => JSON.parse(x.body).data.session_id));
    assert.deepEqual([...bodies], [d.session_id]);
  });

  it('tells the app by callback when a session expires unused', async () => {
    const d = await create({ callbackUrl: receiver.callbackUrl });
    now += defaults.sessionTtlSec * 1000;
    const [delivery] = await receiver.waitForDeliveries(1, 3000);
    const data = JSON.parse(delivery.body).data as CaptureSessionData;
    assert.deepEqual([data.session_id, data.state, data.attempts_used, data.live_status], [d.session_id, 'expired', 0, undefined]);
  });
});

describe('capture sessions: the page files', () => {
  let dir: string;
  let withPage: TestServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lc-capture-assets-'));
    await buildCaptureAssets(dir);
    withPage = await startTestServer({ captureAssetsDir: dir });
  });
  after(async () => {
    await withPage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with a strict CSP, no framing and no referrer', async () => {
    const res = await fetch(new URL('/capture/', withPage.baseUrl));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(
      res.headers.get('content-security-policy'),
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'",
    );
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.match(await res.text(), /<livecheck-capture token-from="hash">/);
  });

  it('serves the script gzipped with a validator, and to other origins (the embeddable element)', async () => {
    const url = new URL('/capture/capture.js', withPage.baseUrl);
    const res = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(await res.text(), /livecheck-capture/);
    const again = await fetch(url, { headers: { 'if-none-match': res.headers.get('etag') ?? '' } });
    assert.equal(again.status, 304);
  });

  it('answers 213 (and logs why) when the page was not built', async () => {
    const empty = await startTestServer({ captureAssetsDir: join(dir, 'nothing-here') });
    try {
      const res = await fetch(new URL('/capture/', empty.baseUrl));
      assert.deepEqual([res.status, ((await res.json()) as { code: number }).code], [500, 213]);
    } finally {
      await empty.close();
    }
  });
});
