import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../core/seeded-random.js';
import { startTestServer, type TestServer } from './test-server.test-helper.js';

/**
 * Whatever a client sends, it gets an envelope: a JSON body with a numeric code and a message,
 * never HTTP 500 and never a connection closed unanswered. Requests are drawn from a seeded
 * generator (fields of every type, broken JSON, random bytes, hand-written multipart with odd
 * dispositions and truncations), mostly signed (or with a live capture token) so that they get
 * past authentication, some with digits livegetfour issued. The three defects it found are
 * pinned by name below and in identity-endpoints.test.ts.
 */
let s: TestServer;
/** Live capture-session tokens, so that the page API's requests get past the token check. */
const tokens: string[] = [];
before(async () => {
  s = await startTestServer();
  for (let i = 0; i < 3; i++) tokens.push(((await s.client.createCaptureSession({ maxAttempts: 3 })).data as { token: string }).token);
});
after(() => s.close());

const PATHS = [
  '/face/livegetfour',
  '/face/livedetectfour',
  '/face/idcardlivedetectfour',
  '/face/idcardcompare',
  '/face/livedetectpicture',
  '/capture/sessions',
  '/capture/sessions/result',
  '/capture/api/session',
  '/capture/api/challenge',
  '/capture/api/upload',
];
const FIELDS = ['appid', 'bucket', 'seq', 'validate_data', 'video', 'card', 'compare_flag', 'idcard_number', 'idcard_name', 'url', 'image', 'session_id', 'token', 'lang', 'redirect_url', 'callback_url', 'max_attempts', '__proto__', 'constructor'];
const TEXTS = ['1234', 'abcd', '０１２３', '11010519491231002X', '张三', '\u0000', 'true', 'data:image/png;base64,', 'https://img.test/a.jpg', 'http://127.0.0.1/x', 'zh-CN', '{"a":1}'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=', 'application/octet-stream', 'video/mp4', ''];
const DISPOSITIONS = (name: string): string[] => [
  `form-data; name="${name}"`,
  `form-data; name=${name}`,
  `form-data; name="${name}"; filename="f.bin"`,
  `form-data; name="${name}"; filename*=UTF-8''%E5%90%8D`,
  'form-data',
  `attachment; name="${name}"`,
  '',
];

class RequestMaker {
  private readonly rng: () => number;
  /** Digits issued by livegetfour, so that some verifications reach the inference. */
  constructor(
    seed: number,
    private readonly challenges: string[],
  ) {
    this.rng = seededRandom(seed);
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rng() * xs.length)];
  }
  private int(n: number): number {
    return Math.floor(this.rng() * n);
  }
  private bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(256)));
  }
  private value(depth: number): unknown {
    switch (this.int(12)) {
      case 0:
        return null;
      case 1:
        return this.rng() < 0.5;
      case 2:
        return this.int(1e6) - 5e5;
      case 3:
        return this.pick([1e308, -0, 0.5, 2 ** 53 + 1]);
      case 4:
        return s.creds.appid;
      case 5:
        return this.pick(TEXTS);
      case 6:
        return this.bytes(this.int(64)).toString('base64');
      case 7:
        return 'A'.repeat(this.int(120_000));
      case 8:
        return depth < 2 ? Array.from({ length: this.int(4) }, () => this.value(depth + 1)) : [];
      case 9:
        return depth < 2 ? this.fields(depth + 1) : {};
      default:
        return String.fromCharCode(...Array.from({ length: this.int(20) }, () => 0x20 + this.int(0xd7ff - 0x20)));
    }
  }
  /** Fields as own properties, `__proto__` included, so that none reaches a prototype. */
  private fields(depth = 0): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const f of FIELDS) if (this.rng() < 0.4) Object.defineProperty(o, f, { value: this.value(depth), enumerable: true, writable: true, configurable: true });
    if (this.rng() < 0.7) o.appid = s.creds.appid;
    if (this.rng() < 0.2) o.validate_data = this.pick(this.challenges);
    return o;
  }
  private text(v: unknown): string {
    return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  private multipart(headers: Record<string, string>): Buffer {
    const boundary = this.pick(['XyZ', 'a'.repeat(70), '--', 'b b']);
    headers['content-type'] = this.pick([`multipart/form-data; boundary=${boundary}`, `multipart/form-data; boundary="${boundary}"`, `multipart/form-data; charset=utf-8; boundary=${boundary}`]);
    let body = '';
    for (const [name, v] of Object.entries(this.fields())) {
      const extra = this.pick(['', 'Content-Type: application/octet-stream\r\n', 'Content-Transfer-Encoding: base64\r\n', `X: ${'y'.repeat(9000)}\r\n`]);
      body += `--${boundary}\r\nContent-Disposition: ${this.pick(DISPOSITIONS(name))}\r\n${extra}\r\n${this.text(v)}\r\n`;
    }
    body += this.pick([`--${boundary}--\r\n`, `--${boundary}--`, '', `--${boundary}\r\n`]);
    return Buffer.from(this.rng() < 0.2 ? body.slice(0, this.int(body.length)) : body);
  }

  next(): { path: string; init: RequestInit; what: string } {
    const path = this.pick(PATHS);
    const headers: Record<string, string> = {};
    if (path.startsWith('/capture/api/') && this.rng() < 0.8) headers.authorization = `Bearer ${this.pick(tokens)}`;
    else if (this.rng() < 0.85) headers.authorization = s.client.authorization();
    else if (this.rng() < 0.5) headers.authorization = this.text(this.value(0)).replace(/[^\x20-\x7e]/g, '?');
    let body: string | Buffer | FormData | undefined;
    const kind = this.int(6);
    if (kind === 0) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(this.fields());
    } else if (kind === 1) {
      headers['content-type'] = this.pick(CONTENT_TYPES);
      body = this.bytes(this.int(2000));
    } else if (kind === 2) {
      const form = new FormData();
      for (const [k, v] of Object.entries(this.fields())) {
        if (this.rng() < 0.3) form.append(k, new Blob([Buffer.from(this.text(v))]), this.pick(['a.mp4', 'x', '', '../../etc/passwd', '名.jpg']));
        else form.append(k, this.text(v));
      }
      body = form;
    } else if (kind === 3) {
      headers['content-type'] = 'application/json';
      body = this.pick(['null', '[]', '"x"', '1', '{', '{"appid":', JSON.stringify([this.fields()]), '{"a":'.repeat(5000)]);
    } else if (kind === 4) {
      body = this.multipart(headers);
    }
    const method = this.rng() < 0.9 ? 'POST' : this.pick(['GET', 'PUT', 'DELETE', 'PATCH']);
    const query = this.rng() < 0.2 ? `?token=${encodeURIComponent(this.pick(TEXTS))}` : '';
    // Node's fetch takes a Buffer body; the DOM typings do not say so.
    return { path: path + query, init: { method, headers, body: method === 'GET' ? undefined : body } as RequestInit, what: `${method} ${path}${query} kind ${kind}` };
  }
}

async function answer(path: string, init: RequestInit): Promise<{ status: number; code: unknown; message: unknown }> {
  const res = await fetch(new URL(path, s.baseUrl), { ...init, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  const body = JSON.parse(text) as { code?: unknown; message?: unknown };
  return { status: res.status, code: body.code, message: body.message };
}

describe('random requests', { timeout: 120_000 }, () => {
  it('600 drawn requests: each answered with an envelope, none with HTTP 500', async () => {
    const challenges = await Promise.all(Array.from({ length: 20 }, async () => ((await s.client.livegetfour()).data as { validate_data: string }).validate_data));
    for (const seed of [1, 2, 3]) {
      const maker = new RequestMaker(seed, challenges);
      for (let i = 0; i < 200; i++) {
        const { path, init, what } = maker.next();
        let got;
        try {
          got = await answer(path, init);
        } catch (err) {
          assert.fail(`seed ${seed} request ${i} (${what}): no envelope: ${(err as Error).message}`);
        }
        assert.equal(typeof got.code, 'number', `seed ${seed} request ${i} (${what})`);
        assert.equal(typeof got.message, 'string', `seed ${seed} request ${i} (${what})`);
        assert.notEqual(got.status, 500, `seed ${seed} request ${i} (${what}): ${String(got.message)}`);
      }
    }
    const health = await fetch(new URL('/healthz', s.baseUrl));
    assert.equal(health.status, 200);
  });

  it('a multipart part the parser skips, over 16 KB in one write, is answered, not left to the timeout', async () => {
    // @fastify/busboy 3.2.6 stalled on this body for good (src/api/multipart.ts, SLICE_BYTES).
    for (const disposition of ['attachment; name="x"', '']) {
      const body = Buffer.from(`--XyZ\r\nContent-Disposition: ${disposition}\r\n\r\n${'A'.repeat(40_000)}\r\n--XyZ\r\nContent-Disposition: form-data; name="appid"\r\n\r\n${s.creds.appid}\r\n--XyZ--\r\n`);
      const got = await answer('/face/livedetectpicture', { method: 'POST', headers: { authorization: s.client.authorization(), 'content-type': 'multipart/form-data; boundary=XyZ' }, body });
      assert.deepEqual([got.status, got.code], [200, -5805], `disposition "${disposition}": ${String(got.message)}`);
    }
  });

  it('a body that ends inside a file part is code 3, and the server lives on', async () => {
    // The parser's error on the cut part was unheard until the upload file existed: the process
    // exited. The test runner would catch that exception and blame another test, so it is watched here.
    const unheard: Error[] = [];
    const watch = (err: Error): void => void unheard.push(err);
    process.on('uncaughtException', watch);
    for (const name of ['video', 'image']) {
      const body = Buffer.from(`--XyZ\r\nContent-Disposition: form-data; name="appid"\r\n\r\n${s.creds.appid}\r\n--XyZ\r\nContent-Disposition: form-data; name="${name}"; filename="v"\r\n\r\n${'A'.repeat(5000)}`);
      const got = await answer('/face/livedetectpicture', { method: 'POST', headers: { authorization: s.client.authorization(), 'content-type': 'multipart/form-data; boundary=XyZ' }, body });
      assert.deepEqual([got.status, got.code], [400, 3], String(got.message));
      assert.match(String(got.message), /multipart body/);
    }
    assert.equal((await fetch(new URL('/healthz', s.baseUrl))).status, 200);
    process.off('uncaughtException', watch);
    assert.deepEqual(unheard.map((e) => e.message), []);
  });
});
