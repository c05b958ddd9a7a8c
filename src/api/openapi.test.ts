import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { envelope, ErrorEnvelope, HealthData, IdcardCompareData, IdcardLiveDetectFourData, LiveDetectFourData, LiveDetectPictureData, LiveGetFourData } from './responses.js';
import { startTestServer, type TestServer } from './test-server.test-helper.js';

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { summary: string; security: unknown[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
}
interface Schema {
  properties?: Record<string, { type?: string; format?: string }>;
  required?: string[];
}

let s: TestServer;
let doc: OpenApi;

before(async () => {
  s = await startTestServer();
  const res = await fetch(new URL('/openapi.json', s.baseUrl));
  assert.equal(res.status, 200);
  doc = (await res.json()) as OpenApi;
});
after(() => s.close());

/**
 * Every route the server answers, read from Fastify's own route tree (each line holds the path
 * below its parent's); HEAD twins and CORS preflight (OPTIONS) left out.
 */
function registeredRoutes(): Array<[string, string]> {
  const stack: string[] = [];
  return s.app
    .printRoutes({ commonPrefix: false })
    .split('\n')
    .flatMap((line) => {
      const m = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+) \(([A-Z, ]+)\)/.exec(line);
      if (!m) return [];
      const depth = m[1].length / 4;
      stack[depth] = (depth > 0 ? stack[depth - 1] : '') + m[2];
      const path = stack[depth];
      return m[3]
        .split(', ')
        .filter((x) => x !== 'HEAD' && x !== 'OPTIONS')
        .map((method): [string, string] => [path, method.toLowerCase()]);
    });
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document with every route of the server, each described', () => {
    assert.equal(doc.openapi, '3.1.0');
    const routes = registeredRoutes();
    assert.ok(routes.length >= 8, JSON.stringify(routes));
    for (const [path, method] of routes) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method.toUpperCase()} ${path} is missing`);
      assert.notEqual(op.summary, 'undocumented', `${method.toUpperCase()} ${path} has no doc`);
    }
  });

  it('describes the multipart fields the request schema validates, with the video as binary', () => {
    const op = doc.paths['/face/livedetectfour'].post;
    const form = op.requestBody?.content['multipart/form-data'].schema;
    assert.deepEqual(form?.properties?.video, { type: 'string', format: 'binary', description: 'the bytes, as a file part or a plain part' });
    for (const field of ['appid', 'validate_data', 'compare_flag', 'video']) assert.ok(form?.required?.includes(field), field);
    assert.equal(form?.required?.includes('card'), false);
    assert.deepEqual(op.security, [{ signature: [] }]);
    assert.ok(doc.paths['/face/idcardcompare'].post.requestBody?.content['application/json']);
    assert.deepEqual(doc.paths['/healthz'].get.security, []);
  });
});

describe('real answers match the documented schemas', () => {
  it('for every endpoint, and for an error', async () => {
    const get = await s.client.livegetfour({ seq: 'q' });
    envelope(LiveGetFourData).parse(get);
    const digits = () => s.client.livegetfour().then((r) => (r.data as { validate_data: string }).validate_data);
    envelope(LiveDetectFourData).parse(await s.client.livedetectfour({ validateData: await digits(), video: Buffer.from('v'), compareFlag: true, card: Buffer.from('c') }));
    envelope(IdcardLiveDetectFourData).parse(
      await s.client.idcardlivedetectfour({ validateData: await digits(), video: Buffer.from('v'), idcardNumber: '11010519491231002X', idcardName: '张三' }),
    );
    envelope(IdcardCompareData).parse(await s.client.idcardcompare({ idcardNumber: '11010519491231002X', idcardName: '张三', url: 'https://img.test/a.jpg' }));
    envelope(LiveDetectPictureData).parse(await s.client.livedetectpicture({ url: 'https://img.test/a.jpg' }));
    envelope(HealthData).parse(await (await fetch(new URL('/healthz', s.baseUrl))).json());
    ErrorEnvelope.parse(await s.client.livedetectpicture({ url: 'http://10.0.0.1/a.jpg' }));
  });
});
