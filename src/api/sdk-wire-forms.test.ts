import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { once } from 'node:events';
import { after, before, beforeEach, describe, it } from 'node:test';
import { signToken } from '../auth/signature.js';
import type { LiveDetectFourData } from '../client/index.js';
import { post } from './http.test-helper.js';
import { startTestServer, type TestServer } from './test-server.test-helper.js';

/**
 * The multipart forms the official legacy SDKs put on the wire, replayed byte for byte:
 * - Python (image-python-sdk-v2.0) posts every field with requests' `files=`, so each text
 *   field is a part with `filename="<field name>"` and no Content-Type, and a video or photo
 *   given as bytes is such a part too;
 * - the "buffer" form of other SDKs: the video or photo bytes in a plain part, no filename;
 * - Python's urllib / requests write the whole body before reading the answer, also when the
 *   body is over the limit.
 */
let s: TestServer;
let nowSec = Math.floor(Date.now() / 1000);
/** Bytes that are not valid UTF-8, so a text decoding anywhere would change them. */
const VIDEO = Buffer.concat([Buffer.from([0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70]), randomBytes(4096), Buffer.from([0xff, 0xfe, 0x80])]);
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2048), Buffer.from([0xff, 0xd9])]);
const ID = '11010519491231002X';
const NAME = '张三';

before(async () => {
  s = await startTestServer({ clock: () => nowSec * 1000 });
});
after(() => s.close());
beforeEach(() => {
  nowSec = Math.floor(Date.now() / 1000);
  s.inference.videoOutcome = 'OK';
});

interface Part {
  name: string;
  data: string | Buffer;
  /** Sent as `filename="..."` when given. */
  filename?: string;
  contentType?: string;
}

const BOUNDARY = '8b1d0e2f9c7a4e6b93d5c1f0a2b4c6d8';

function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head), Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** What Python requests sends for `files={name: value}`: filename = field name, no Content-Type. */
const pythonFiles = (fields: Record<string, string | Buffer>): Part[] => Object.entries(fields).map(([name, data]) => ({ name, data, filename: name }));

const headers = (boundary = BOUNDARY) => ({
  authorization: signToken({ ...s.creds, now: nowSec }),
  'content-type': `multipart/form-data; boundary=${boundary}`,
});

async function challenge(): Promise<string> {
  return ((await s.client.livegetfour()).data as { validate_data: string }).validate_data;
}

describe('Python SDK: every field a file part named after itself', () => {
  it('livedetectfour reads the text fields and the video bytes', async () => {
    const digits = await challenge();
    const body = multipart(pythonFiles({ appid: s.creds.appid, bucket: 'test', validate_data: digits, video: VIDEO, compare_flag: 'true', card: PHOTO, seq: 'py-1' }));
    const r = await post(s.baseUrl, '/face/livedetectfour', { headers: headers(), body });
    assert.equal(r.body.code, 0, r.body.message);
    const d = r.body.data as unknown as LiveDetectFourData;
    assert.deepEqual([d.live_status, d.compare_status, d.seq], [0, 0, 'py-1']);
    assert.equal(s.inference.videoCalls.at(-1)?.digits, digits);
    assert.deepEqual(s.inference.videoBytes.at(-1), VIDEO);
    const ref = s.inference.videoCalls.at(-1)?.reference;
    assert.deepEqual(ref?.kind === 'image' && Buffer.from(ref.data), PHOTO);
  });

  it('idcardlivedetectfour reads a UTF-8 name sent as a file part', async () => {
    const digits = await challenge();
    const body = multipart(pythonFiles({ appid: s.creds.appid, bucket: 'test', validate_data: digits, idcard_number: ID, idcard_name: NAME, video: VIDEO }));
    const r = await post(s.baseUrl, '/face/idcardlivedetectfour', { headers: headers(), body });
    assert.equal(r.body.code, 0, r.body.message);
    assert.equal((r.body.data as { compare_status: number }).compare_status, 0);
  });

  it('idcardcompare and livedetectpicture read the image bytes', async () => {
    const compare = await post(s.baseUrl, '/face/idcardcompare', { headers: headers(), body: multipart(pythonFiles({ appid: s.creds.appid, bucket: 'test', idcard_number: ID, idcard_name: NAME, image: PHOTO })) });
    assert.equal(compare.body.code, 0, compare.body.message);
    assert.deepEqual(Buffer.from(s.inference.photos.at(-1) ?? []), PHOTO);
    const picture = await post(s.baseUrl, '/face/livedetectpicture', { headers: headers(), body: multipart(pythonFiles({ appid: s.creds.appid, bucket: 'test', image: PHOTO })) });
    assert.equal(picture.body.code, 0, picture.body.message);
    assert.deepEqual(Buffer.from(s.inference.photos.at(-1) ?? []), PHOTO);
  });

  it('still counts every part: more than 40 parts is code 21', async () => {
    const extra = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x${i}`, 'y']));
    const body = multipart(pythonFiles({ appid: s.creds.appid, validate_data: '1234', compare_flag: 'false', video: VIDEO, ...extra }));
    const r = await post(s.baseUrl, '/face/livedetectfour', { headers: headers(), body });
    assert.deepEqual([r.status, r.body.code], [400, 21]);
  });
});

describe('buffer form: the video or photo bytes in a plain part without a filename', () => {
  it('livedetectfour takes raw video and card bytes', async () => {
    const digits = await challenge();
    const parts: Part[] = [
      { name: 'appid', data: s.creds.appid },
      { name: 'validate_data', data: digits },
      { name: 'compare_flag', data: 'true' },
      { name: 'video', data: VIDEO },
      { name: 'card', data: PHOTO },
    ];
    const r = await post(s.baseUrl, '/face/livedetectfour', { headers: headers(), body: multipart(parts) });
    assert.equal(r.body.code, 0, r.body.message);
    assert.deepEqual(s.inference.videoBytes.at(-1), VIDEO);
    const ref = s.inference.videoCalls.at(-1)?.reference;
    assert.deepEqual(ref?.kind === 'image' && Buffer.from(ref.data), PHOTO);
  });

  it('idcardcompare takes raw image bytes, and base64 text in the same part still works', async () => {
    for (const image of [PHOTO, PHOTO.toString('base64'), `data:image/jpeg;base64,${PHOTO.toString('base64')}`]) {
      const parts: Part[] = [
        { name: 'appid', data: s.creds.appid },
        { name: 'idcard_number', data: ID },
        { name: 'idcard_name', data: NAME },
        { name: 'image', data: image },
      ];
      const r = await post(s.baseUrl, '/face/idcardcompare', { headers: headers(), body: multipart(parts) });
      assert.equal(r.body.code, 0, r.body.message);
      assert.deepEqual(Buffer.from(s.inference.photos.at(-1) ?? []), PHOTO);
    }
  });
});

/**
 * A client that writes the request and the whole body before it reads anything, as Python's
 * http.client does. Returns the answer, or the error the socket gave.
 */
async function writeEverythingThenRead(head: string, body: Buffer): Promise<{ response: string; error: string | null }> {
  const url = new URL(s.baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  let error: string | null = null;
  socket.on('error', (err: NodeJS.ErrnoException) => {
    error ??= err.code ?? err.message;
  });
  await new Promise<void>((resolve) => {
    socket.write(head);
    socket.write(body, () => resolve());
    socket.once('close', () => resolve());
  });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  if (!socket.destroyed) await Promise.race([once(socket, 'close'), new Promise((r) => setTimeout(r, 5000))]);
  socket.destroy();
  return { response: Buffer.concat(chunks).toString('latin1'), error };
}

function envelopeOf(response: string): { status: number; code: number } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
  const json = response.slice(response.indexOf('\r\n\r\n') + 4);
  return { status, code: (JSON.parse(json) as { code: number }).code };
}

describe('a body over the limit from a client that writes it all before reading', () => {
  const over = Buffer.alloc(8 * 1024 * 1024, 0x61);

  it('gets 23 (HTTP 413), not a reset, when Content-Length declares it', async () => {
    const h = headers();
    const head = `POST /face/livedetectfour HTTP/1.1\r\nHost: x\r\nAuthorization: ${h.authorization}\r\nContent-Type: ${h['content-type']}\r\nContent-Length: ${over.length}\r\n\r\n`;
    const { response, error } = await writeEverythingThenRead(head, over);
    assert.ok(response.length > 0, `no answer (${error})`);
    assert.deepEqual(envelopeOf(response), { status: 413, code: 23 });
  });

  it('gets 23 (HTTP 413), not a reset, when the body is sent chunked', async () => {
    const h = headers();
    const body = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="video"; filename="video"\r\n\r\n`),
      over,
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
    const chunked = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    const head = `POST /face/livedetectfour HTTP/1.1\r\nHost: x\r\nAuthorization: ${h.authorization}\r\nContent-Type: ${h['content-type']}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const { response, error } = await writeEverythingThenRead(head, chunked);
    assert.ok(response.length > 0, `no answer (${error})`);
    assert.deepEqual(envelopeOf(response), { status: 413, code: 23 });
  });
});

describe('multipart boundaries', () => {
  it('a 5000-character boundary is code 3 in our own words', async () => {
    const boundary = 'b'.repeat(5000);
    const r = await post(s.baseUrl, '/face/livedetectfour', { headers: headers(boundary), body: multipart([{ name: 'appid', data: s.creds.appid }], boundary) });
    assert.deepEqual([r.status, r.body.code], [400, 3]);
    assert.equal(r.body.message, "bad request: the multipart boundary must be 1 to 70 letters, digits or the characters '()+_,-./:=? (RFC 2046)");
  });
});
