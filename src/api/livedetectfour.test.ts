import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { signToken } from '../auth/signature.js';
import type { LiveDetectFourData } from '../client/index.js';
import { RecordStore } from '../store/records.js';
import { post } from './http.test-helper.js';
import { startTestServer, type TestServer } from './test-server.test-helper.js';

let s: TestServer;
let nowMs = Date.now();
const VIDEO = Buffer.from('not inspected by the test double');

before(async () => {
  s = await startTestServer({ clock: () => nowMs, config: { challengeTtlSec: 600 } });
});
after(() => s.close());
beforeEach(() => {
  s.inference.videoOutcome = 'OK';
  s.inference.videoDelayMs = 0;
});

async function challenge(): Promise<string> {
  const r = await s.client.livegetfour();
  return (r.data as { validate_data: string }).validate_data;
}

function form(fields: Record<string, string>, files: Record<string, Uint8Array> = { video: VIDEO }): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [k, v] of Object.entries(files)) f.append(k, new Blob([Uint8Array.from(v)]), `${k}.bin`);
  return f;
}
const auth = () => ({ authorization: signToken({ ...s.creds, now: Math.floor(nowMs / 1000) }) });

describe('POST /face/livedetectfour', () => {
  it('answers live_status 0 with the checks and request id in data.details, and hands the upload and digits to inference', async () => {
    const digits = await challenge();
    const res = await s.client.livedetectfour({ validateData: digits, video: VIDEO, seq: 's-9' });
    assert.equal(res.code, 0);
    const d = res.data as LiveDetectFourData;
    assert.deepEqual([d.live_status, d.live_msg, d.seq], [0, 'OK', 's-9']);
    assert.equal('compare_status' in d, false);
    assert.equal(d.details.checks[0].name, 'video');
    assert.match(d.details.request_id, /^[0-9a-f-]{36}$/);
    const call = s.inference.videoCalls.at(-1)!;
    assert.equal(call.digits, digits);
    assert.equal(call.reference, undefined);
  });

  it('passes a liveness failure through as data-level live_status/live_msg with code 0', async () => {
    s.inference.videoOutcome = 'DIGITS_MISMATCH';
    const res = await s.client.livedetectfour({ validateData: await challenge(), video: VIDEO });
    assert.equal(res.code, 0);
    assert.deepEqual([(res.data as LiveDetectFourData).live_status, (res.data as LiveDetectFourData).live_msg], [-5008, 'VIDEO_AUDIO_RECOG_FAILED']);
  });

  it('with compare_flag true sends the card as reference and answers compare_status, integer sim and photo', async () => {
    const res = await s.client.livedetectfour({ validateData: await challenge(), video: VIDEO, compareFlag: true, card: Buffer.from('card') });
    const d = res.data as LiveDetectFourData;
    assert.deepEqual([d.compare_status, d.compare_msg, d.sim, d.photo], [0, 'OK', 82, '/9j/2Q==']);
    const ref = s.inference.videoCalls.at(-1)!.reference;
    assert.equal(ref?.kind === 'image' && Buffer.from(ref.data).toString(), 'card');
  });

  it('fails an unknown, a used and an expired challenge with the -5002 family without decoding the video', async () => {
    const calls = s.inference.videoCalls.length;
    const unknown = await s.client.livedetectfour({ validateData: 'abcd', video: VIDEO });
    assert.deepEqual([unknown.code, (unknown.data as LiveDetectFourData).live_status, (unknown.data as LiveDetectFourData).live_msg], [0, -5002, 'VALIDATE_DATA_UNKNOWN']);
    const digits = await challenge();
    await s.client.livedetectfour({ validateData: digits, video: VIDEO });
    const used = await s.client.livedetectfour({ validateData: digits, video: VIDEO, compareFlag: true, card: VIDEO });
    assert.deepEqual([(used.data as LiveDetectFourData).live_msg, (used.data as LiveDetectFourData).compare_status], ['VALIDATE_DATA_USED', -5002]);
    const late = await challenge();
    nowMs += 601_000;
    try {
      const expired = await s.client.livedetectfour({ validateData: late, video: VIDEO });
      assert.equal((expired.data as LiveDetectFourData).live_msg, 'VALIDATE_DATA_EXPIRED');
    } finally {
      nowMs -= 601_000;
    }
    assert.equal(s.inference.videoCalls.length, calls + 1);
  });

  it('lets at most one of five concurrent verifications of one challenge proceed', async () => {
    s.inference.videoDelayMs = 50;
    const digits = await challenge();
    const results = await Promise.all(Array.from({ length: 5 }, () => s.client.livedetectfour({ validateData: digits, video: VIDEO })));
    const msgs = results.map((r) => (r.data as LiveDetectFourData).live_msg).sort();
    assert.deepEqual(msgs, ['OK', 'VALIDATE_DATA_USED', 'VALIDATE_DATA_USED', 'VALIDATE_DATA_USED', 'VALIDATE_DATA_USED']);
  });

  it('answers SERVER_BUSY (15, HTTP 503) when the workers are full, and the challenge stays usable', async () => {
    const digits = await challenge();
    s.inference.videoOutcome = 'busy';
    const busy = await post(s.baseUrl, '/face/livedetectfour', { headers: auth(), body: form({ appid: s.creds.appid, validate_data: digits, compare_flag: 'false' }) });
    assert.deepEqual([busy.status, busy.body.code], [503, 15]);
    assert.match(busy.body.message, /capacity/);
    s.inference.videoOutcome = 'OK';
    const retry = await s.client.livedetectfour({ validateData: digits, video: VIDEO });
    assert.equal((retry.data as LiveDetectFourData).live_status, 0);
  });

  it('answers 213 (HTTP 500) without internals when inference fails unexpectedly, and records it', async () => {
    const digits = await challenge();
    s.inference.videoOutcome = 'crash';
    const r = await post(s.baseUrl, '/face/livedetectfour', { headers: auth(), body: form({ appid: s.creds.appid, validate_data: digits, compare_flag: 'false' }) });
    assert.deepEqual([r.status, r.body.code, r.body.message], [500, 213, 'internal error']);
    assert.doesNotMatch(JSON.stringify(r.body), /secret|onnx|\bat\b/);
    await new Promise((res) => setTimeout(res, 20));
    const row = new RecordStore(s.db).list().find((x) => x.requestId === r.body.data.request_id);
    assert.equal(row?.code, 213);
  });

  it('removes the uploaded files after the request', async () => {
    await s.client.livedetectfour({ validateData: await challenge(), video: VIDEO, compareFlag: true, card: VIDEO });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(readdirSync(join(s.config.dataDir, 'tmp')), []);
  });

  it('leaves a record for every authenticated verification request, early failures included', async () => {
    const ok = await s.client.livedetectfour({ validateData: await challenge(), video: VIDEO });
    const noDigits = await post(s.baseUrl, '/face/livedetectfour', { headers: auth(), body: form({ appid: s.creds.appid, compare_flag: 'false' }) });
    const ids = [(ok.data as LiveDetectFourData).details.request_id, noDigits.body.data.request_id];
    await new Promise((r) => setTimeout(r, 20));
    const all = new RecordStore(s.db).list();
    const rows = ids.map((id) => all.find((r) => r.requestId === id)!);
    assert.deepEqual(rows.map((r) => [r?.endpoint, r?.code]), [['livedetectfour', 0], ['livedetectfour', 21]]);
    assert.equal(rows[0].liveStatus, 0);
    assert.deepEqual(rows[0].timingsMs, { probe: 3, total: 5 });
    assert.equal((rows[0].checks[0] as { name: string }).name, 'video');
    assert.equal(rows[0].appid, s.creds.appid);
  });
});

describe('a client that hangs up mid-verification', () => {
  it('still leaves its record, and its upload goes only after the worker finished', async () => {
    s.inference.videoDelayMs = 300;
    const digits = await challenge();
    const abort = new AbortController();
    const pending = fetch(new URL('/face/livedetectfour', s.baseUrl), {
      method: 'POST',
      headers: auth(),
      body: form({ appid: s.creds.appid, validate_data: digits, compare_flag: 'false' }),
      signal: abort.signal,
    }).catch(() => 'aborted');
    // Wait for this request's own call: on a starved CPU a fixed delay can still see the previous one.
    const before = s.inference.videoCalls.length;
    while (s.inference.videoCalls.length === before) await new Promise((r) => setTimeout(r, 10));
    const upload = s.inference.videoCalls.at(-1)!.videoPath;
    assert.deepEqual(readFileSync(upload), VIDEO, 'upload readable while the worker runs');
    abort.abort();
    assert.equal(await pending, 'aborted');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(readFileSync(upload), VIDEO, 'upload kept until the worker is done');
    await new Promise((r) => setTimeout(r, 250));
    // The descriptor is closed: its /proc path is gone (or, reused, names another file).
    const after = ((): Buffer | null => {
      try {
        return readFileSync(upload);
      } catch {
        return null;
      }
    })();
    assert.notDeepEqual(after, VIDEO, 'upload gone once the worker is done');
    const row = new RecordStore(s.db).list().find((r) => r.liveStatus === 0 && /closed the connection/.test(r.message));
    assert.ok(row, 'a record of the aborted verification');
    assert.equal(s.inference.videoCalls.at(-1)!.digits, digits);
  });
});

describe('livedetectfour parameter errors', () => {
  const cases: Array<[string, () => Promise<{ headers?: Record<string, string>; body?: string | FormData | Uint8Array }>, number]> = [
    ['a JSON body', async () => ({ headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ appid: s.creds.appid }) }), 21],
    ['multipart without a boundary', async () => ({ headers: { ...auth(), 'content-type': 'multipart/form-data' }, body: 'appid=1' }), 3],
    ['a truncated multipart body', async () => ({ headers: { ...auth(), 'content-type': 'multipart/form-data; boundary=XX' }, body: '--XX\r\nContent-Disposition: form-data; name="appid"\r\n\r\n1000' }), 3],
    ['no video', async () => ({ headers: auth(), body: form({ appid: s.creds.appid, validate_data: '1234', compare_flag: 'false' }, {}) }), 21],
    ['no validate_data', async () => ({ headers: auth(), body: form({ appid: s.creds.appid, compare_flag: 'false' }) }), 21],
    ['compare_flag not "true"/"false"', async () => ({ headers: auth(), body: form({ appid: s.creds.appid, validate_data: '1234', compare_flag: 'yes' }) }), 21],
    ['compare_flag true without card', async () => ({ headers: auth(), body: form({ appid: s.creds.appid, validate_data: '1234', compare_flag: 'true' }) }), 21],
    ['appid not the signed one', async () => ({ headers: auth(), body: form({ appid: '42', validate_data: '1234', compare_flag: 'false' }) }), 6],
    ['a field given twice', async () => {
      const f = form({ appid: s.creds.appid, validate_data: '1234', compare_flag: 'false' });
      f.append('appid', s.creds.appid);
      return { headers: auth(), body: f };
    }, 21],
  ];
  for (const [what, make, code] of cases) {
    it(`${what} -> ${code}`, async () => {
      const r = await post(s.baseUrl, '/face/livedetectfour', await make());
      assert.equal(r.body.code, code, r.body.message);
      assert.ok(r.status >= 400 && r.status < 500, `HTTP ${r.status}`);
    });
  }

  it('a video over the body limit -> 23 (HTTP 413), refused from Content-Length', async () => {
    const r = await post(s.baseUrl, '/face/livedetectfour', {
      headers: auth(),
      body: form({ appid: s.creds.appid, validate_data: '1234', compare_flag: 'false' }, { video: new Uint8Array(6 * 1024 * 1024 + 1) }),
    });
    assert.deepEqual([r.status, r.body.code], [413, 23]);
  });

  for (const part of ['video', 'ignored_extra']) {
    it(`a streamed (chunked) body over the limit in the ${part} part -> 23, counted while streaming, nothing left on disk`, async () => {
      const boundary = 'LIMITTEST';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="appid"\r\n\r\n${s.creds.appid}\r\n--${boundary}\r\nContent-Disposition: form-data; name="${part}"; filename="v.mp4"\r\nContent-Type: video/mp4\r\n\r\n`;
      const chunk = new Uint8Array(256 * 1024);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(ctrl) {
          if (sent === 0) ctrl.enqueue(new TextEncoder().encode(head));
          sent += chunk.length;
          if (sent > 8 * 1024 * 1024) ctrl.close();
          else ctrl.enqueue(chunk);
        },
      });
      const r = await post(s.baseUrl, '/face/livedetectfour', { headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${boundary}` }, body }).catch(
        (err: Error) => ({ status: 0, body: { code: -1, message: err.message, data: {} } }),
      );
      assert.deepEqual([r.status, r.body.code], [413, 23], r.body.message);
      await new Promise((res) => setTimeout(res, 50));
      assert.deepEqual(readdirSync(join(s.config.dataDir, 'tmp')), []);
    });
  }
});
