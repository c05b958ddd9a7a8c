import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fetchImage, FetchImageError, isBlockedAddress } from './index.js';
import { guardedLookup, type Resolver } from './address-policy.js';

const PAYLOAD = Buffer.from('\xff\xd8\xff\xe0 fake jpeg bytes for the fetch tests', 'latin1');
let server: Server;
let base: string;
let hits = 0;

function route(req: IncomingMessage, res: ServerResponse): void {
  hits++;
  const u = new URL(req.url ?? '/', 'http://x');
  const n = Number(u.searchParams.get('n') ?? 0);
  switch (u.pathname) {
    case '/img':
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': PAYLOAD.length }).end(PAYLOAD);
      return;
    case '/hop':
      res.writeHead(302, { location: n > 1 ? `/hop?n=${n - 1}` : '/img' }).end();
      return;
    case '/to-file':
      res.writeHead(301, { location: 'file:///etc/passwd' }).end();
      return;
    case '/big-declared':
      res.writeHead(200, { 'content-length': 1_000_000 }).end(Buffer.alloc(1_000_000));
      return;
    case '/big-chunked':
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      for (let i = 0; i < 100; i++) res.write(Buffer.alloc(10_000));
      res.end();
      return;
    case '/hang':
      return;
    default:
      res.writeHead(404).end();
  }
}

const open = { allowPrivate: true, maxBytes: 100_000, timeoutMs: 2000, maxRedirects: 3 };
const closed = { ...open, allowPrivate: false };

async function rejectsWith(p: Promise<unknown>, reason: FetchImageError['reason']): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof FetchImageError, `expected FetchImageError, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    return true;
  });
}

describe('fetchImage', () => {
  before(async () => {
    server = createServer(route);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('downloads an image from a local server when private addresses are allowed', async () => {
    assert.deepEqual(Buffer.from(await fetchImage(`${base}/img`, open)), PAYLOAD);
  });

  it('refuses a loopback server by default without sending it a request', async () => {
    const before = hits;
    await rejectsWith(fetchImage(`${base}/img`, closed), 'address-blocked');
    assert.equal(hits, before);
  });

  it('refuses a host name that resolves to loopback (the resolved address is checked)', async () => {
    const port = (server.address() as AddressInfo).port;
    await rejectsWith(fetchImage(`http://localhost:${port}/img`, closed), 'address-blocked');
  });

  it('refuses a public-looking name whose DNS answer is private at connect time (rebinding)', async () => {
    const port = (server.address() as AddressInfo).port;
    const rebinding: Resolver = (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
    const before = hits;
    await rejectsWith(fetchImage(`http://images.example.com:${port}/img`, { ...closed, resolver: rebinding }), 'address-blocked');
    assert.equal(hits, before);
  });

  for (const host of ['10.0.0.1', '169.254.169.254', '[::1]', '[::ffff:127.0.0.1]', '[fd00::1]', '0.0.0.0', '2130706433']) {
    it(`refuses the non-public literal address ${host}`, async () => {
      await rejectsWith(fetchImage(`http://${host}/img`, closed), 'address-blocked');
    });
  }

  for (const url of ['file:///etc/passwd', 'ftp://example.com/a.jpg', 'data:image/png;base64,AAAA', 'gopher://x/']) {
    it(`refuses the non-http(s) URL ${url.slice(0, 12)}`, async () => {
      await rejectsWith(fetchImage(url, open), 'scheme-not-allowed');
    });
  }

  it('refuses a string that is not an absolute URL', async () => {
    await rejectsWith(fetchImage('not a url', open), 'invalid-url');
  });

  it('follows up to maxRedirects redirects', async () => {
    assert.deepEqual(Buffer.from(await fetchImage(`${base}/hop?n=3`, open)), PAYLOAD);
  });

  it('refuses a redirect chain longer than maxRedirects', async () => {
    await rejectsWith(fetchImage(`${base}/hop?n=4`, open), 'too-many-redirects');
    await rejectsWith(fetchImage(`${base}/hop?n=1`, { ...open, maxRedirects: 0 }), 'too-many-redirects');
  });

  it('checks the scheme of every redirect hop', async () => {
    await rejectsWith(fetchImage(`${base}/to-file`, open), 'scheme-not-allowed');
  });

  it('refuses a body whose declared length exceeds maxBytes', async () => {
    await rejectsWith(fetchImage(`${base}/big-declared`, open), 'too-large');
  });

  it('stops reading a streamed body once it exceeds maxBytes', async () => {
    await rejectsWith(fetchImage(`${base}/big-chunked`, open), 'too-large');
  });

  it('gives up when the server does not answer within the time limit', async () => {
    const t0 = Date.now();
    await rejectsWith(fetchImage(`${base}/hang`, { ...open, timeoutMs: 300 }), 'timeout');
    assert.ok(Date.now() - t0 < 2000);
  });

  it('reports an HTTP error status', async () => {
    await rejectsWith(fetchImage(`${base}/missing`, open), 'http-status');
  });
});

describe('address policy', () => {
  it('blocks private, loopback, link-local, unique-local, multicast, unspecified and mapped addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '224.0.0.1', '0.0.0.0', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', 'not-an-ip']) {
      assert.equal(isBlockedAddress(a), true, a);
    }
  });

  it('allows public unicast addresses', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '203.0.114.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) assert.equal(isBlockedAddress(a), false, a);
  });

  it('lets private answers through the resolver only when the operator allows them', async () => {
    const resolver: Resolver = (_h, _o, cb) => cb(null, [{ address: '192.168.0.7', family: 4 }]);
    const run = (allow: boolean) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((res) =>
        guardedLookup(allow, resolver)('cam.local', {}, (err, address) => res({ err, address })),
      );
    assert.equal((await run(false)).err?.code, 'EADDRBLOCKED');
    assert.equal((await run(true)).address, '192.168.0.7');
  });
});
