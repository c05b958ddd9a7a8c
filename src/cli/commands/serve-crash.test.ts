import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { AppStore, type Credentials } from '../../auth/apps.js';
import { signToken } from '../../auth/signature.js';
import { repoRoot } from '../../eval/data-dir.js';
import { openDatabase } from '../../store/db.js';
import { RecordStore } from '../../store/records.js';

/**
 * `livecheck serve` killed with SIGKILL while uploads are half sent, then started again on the
 * same data directory: no uploaded media is left anywhere in it, and every request that got an
 * answer before the kill has its records row.
 */
const dir = mkdtempSync(join(tmpdir(), 'lc-crash-'));
const dataDir = join(dir, 'data');
const configFile = join(dir, 'livecheck.json');
const masterKey = randomBytes(32).toString('base64');
/** Bytes that appear in every upload and nowhere else: found on disk means media survived. */
const MARKER = randomBytes(48);
let creds: Credentials;

before(() => {
  writeFileSync(configFile, JSON.stringify({ dataDir, port: 0, workers: 1, splitWhenIdle: false, masterKey, rateLimitPerMinute: 0, maxUploadsPerAddress: 0, logLevel: 'info' }));
  const db = openDatabase(dataDir);
  creds = new AppStore(db, Buffer.from(masterKey, 'base64')).createApp();
  db.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** `livecheck serve` from source in a child process; resolves with its base URL once it listens. */
async function serve(): Promise<{ child: ChildProcess; baseUrl: string }> {
  const main = pathToFileURL(join(repoRoot(), 'src', 'cli', 'main.ts')).href;
  const script = `const { main } = await import(${JSON.stringify(main)}); await main(process.argv);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'livecheck', '--config', configFile, 'serve'], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${out.slice(-500)}`)));
  });
  return { child, baseUrl };
}

const BOUNDARY = 'crashtestboundary';
const head = (baseUrl: string, length: number): string =>
  `POST /face/livedetectfour HTTP/1.1\r\nHost: ${new URL(baseUrl).host}\r\nAuthorization: ${signToken(creds)}\r\n` +
  `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n\r\n`;

function form(fields: Record<string, string>, video: Buffer): Buffer {
  const text = Object.entries(fields).map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  return Buffer.concat([
    Buffer.from(text.join('') + `--${BOUNDARY}\r\nContent-Disposition: form-data; name="video"; filename="v.mp4"\r\n\r\n`),
    video,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** An upload that stops half way: the server holds a partly written video when it dies. */
async function stalledUpload(baseUrl: string): Promise<Socket> {
  const video = Buffer.concat(Array.from({ length: 64 }, () => Buffer.concat([MARKER, randomBytes(1024)])));
  const body = form({ appid: creds.appid, validate_data: '0000', compare_flag: 'false' }, video);
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(head(baseUrl, body.length));
  socket.write(body.subarray(0, Math.floor(body.length * 0.7)));
  return socket;
}

/**
 * A complete verification request that is answered at once (unknown challenge, or no video);
 * the request id when the answer says it was authenticated and processed (code 0 or 21).
 */
async function quickVerification(baseUrl: string, i: number): Promise<string | null> {
  const fd = new FormData();
  for (const [k, v] of Object.entries({ appid: creds.appid, validate_data: String(1000 + i), compare_flag: 'false' })) fd.append(k, v);
  if (i % 3 !== 0) fd.append('video', new Blob([Buffer.concat([MARKER, randomBytes(512)])]), 'v.mp4');
  try {
    const res = await fetch(new URL('/face/livedetectfour', baseUrl), { method: 'POST', headers: { authorization: signToken(creds) }, body: fd });
    const body = (await res.json()) as { code: number; data: { request_id?: string; details?: { request_id: string } } };
    if (body.code !== 0 && body.code !== 21) return null;
    return body.data.details?.request_id ?? body.data.request_id ?? null;
  } catch {
    return null;
  }
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function mediaLeftIn(root: string): string[] {
  return filesUnder(root).filter((f) => statSync(f).size > 0 && readFileSync(f).includes(MARKER));
}

describe('serve killed with SIGKILL during uploads', { timeout: 180_000 }, () => {
  it('leaves no media in the data dir, and every answered request has its record', async () => {
    const first = await serve();
    const stalled = await Promise.all(Array.from({ length: 5 }, () => stalledUpload(first.baseUrl)));
    // Answered requests, some still being answered when the process dies.
    const answered: string[] = [];
    const inFlight = Array.from({ length: 40 }, (_, i) =>
      quickVerification(first.baseUrl, i).then((id) => {
        if (id) answered.push(id);
      }),
    );
    for (let waited = 0; answered.length < 5 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    await Promise.all(inFlight);
    for (const s of stalled) s.destroy();
    assert.ok(answered.length > 0, 'some requests were answered before the kill');
    assert.deepEqual(mediaLeftIn(dataDir), [], 'media left on disk after kill -9');

    const second = await serve();
    try {
      assert.deepEqual(readdirSync(join(dataDir, 'tmp')), []);
      const db = openDatabase(dataDir);
      try {
        const ids = new Set(new RecordStore(db).list({ limit: 100_000 }).map((r) => r.requestId));
        assert.deepEqual(answered.filter((id) => !ids.has(id)), [], 'answered requests without a record');
      } finally {
        db.close();
      }
    } finally {
      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    }
    assert.deepEqual(mediaLeftIn(dataDir), [], 'media left on disk after a clean shutdown');
  });
});
