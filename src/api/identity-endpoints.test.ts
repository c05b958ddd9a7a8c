import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { signToken } from '../auth/signature.js';
import type { IdcardCompareData, IdcardLiveDetectFourData, LiveDetectPictureData } from '../client/index.js';
import { IdentityRegistry } from '../identity/index.js';
import { post } from './http.test-helper.js';
import { startTestServer, TEMPLATE, type TestServer } from './test-server.test-helper.js';

let s: TestServer;
const ID = '11010519491231002X';
const NAME = '张三';
const VIDEO = Buffer.from('video');

before(async () => {
  s = await startTestServer();
});
after(() => s.close());
beforeEach(() => {
  s.inference.photoError = null;
  s.inference.videoOutcome = 'OK';
});

const digits = async () => ((await s.client.livegetfour()).data as { validate_data: string }).validate_data;

describe('POST /face/idcardlivedetectfour', () => {
  it('compares the video with the registry template and answers sim and video_photo', async () => {
    const res = await s.client.idcardlivedetectfour({ validateData: await digits(), video: VIDEO, idcardNumber: ID, idcardName: NAME });
    assert.equal(res.code, 0);
    const d = res.data as IdcardLiveDetectFourData;
    assert.deepEqual([d.live_status, d.compare_status, d.compare_msg, d.sim, d.video_photo], [0, 0, 'OK', 82, '/9j/2Q==']);
    assert.equal('photo' in d, false);
    assert.deepEqual(s.inference.videoCalls.at(-1)!.reference, { kind: 'template', template: TEMPLATE });
  });

  it('answers identity failures at the top level (-5801, -5803, -5804) and keeps the challenge unspent', async () => {
    const v = await digits();
    const cases: Array<[string, string, number]> = [
      ['', NAME, -5801],
      [ID, '李四', -5803],
      ['110105194912310021', NAME, -5803],
      ['12345', NAME, -5804],
    ];
    for (const [number, name, code] of cases) {
      const r = await s.client.idcardlivedetectfour({ validateData: v, video: VIDEO, idcardNumber: number, idcardName: name });
      assert.equal(r.code, code, r.message);
    }
    const ok = await s.client.idcardlivedetectfour({ validateData: v, video: VIDEO, idcardNumber: ID, idcardName: NAME });
    assert.equal((ok.data as IdcardLiveDetectFourData).live_status, 0);
  });

  it('reports a liveness failure in both live_status and compare_status, without sim', async () => {
    s.inference.videoOutcome = 'NO_SOUND';
    const r = await s.client.idcardlivedetectfour({ validateData: await digits(), video: VIDEO, idcardNumber: ID, idcardName: NAME });
    const d = r.data as IdcardLiveDetectFourData;
    assert.deepEqual([r.code, d.live_status, d.compare_status, 'sim' in d], [0, -5007, -5007, false]);
  });
});

describe('the identity registry behind the endpoints', () => {
  it('idcardcompare finds an enrolled ID in the real registry and maps its failures', async () => {
    const r = await startTestServer({ realRegistry: true });
    try {
      const registry = new IdentityRegistry(r.store.identities, { retention: false, dataDir: r.config.dataDir });
      const added = await registry.add({ number: ID, name: NAME, photo: Buffer.from('portrait') }, async () => ({ ok: true, template: TEMPLATE }));
      assert.ok(added.ok);
      const ok = await r.client.idcardcompare({ idcardNumber: ID, idcardName: NAME, url: 'https://img.test/a.jpg' });
      assert.equal(ok.code, 0, ok.message);
      const codes = [];
      for (const [number, name] of [[ID, '李四'], ['11010519491231002Y', NAME], ['110105194912310021', NAME]]) {
        codes.push((await r.client.idcardcompare({ idcardNumber: number, idcardName: name, url: 'https://img.test/a.jpg' })).code);
      }
      assert.deepEqual(codes, [-5803, -5804, -5804]);
    } finally {
      await r.close();
    }
  });
});

describe('URL downloads through the real src/fetch', () => {
  it('refuse a loopback URL as -5805 unless the operator allows private addresses', async () => {
    const r = await startTestServer({ realFetch: true });
    try {
      const res = await r.client.livedetectpicture({ url: `${r.baseUrl}/healthz`, sessionId: 's' });
      assert.deepEqual([res.code, (res.data as { session_id: string }).session_id], [-5805, 's']);
      assert.match(res.message, /address-blocked/);
    } finally {
      await r.close();
    }
  });
});

describe('POST /face/idcardcompare', () => {
  it('JSON with url answers a float similarity and echoes session_id', async () => {
    const r = await s.client.idcardcompare({ idcardNumber: ID, idcardName: NAME, url: 'https://img.test/a.jpg', sessionId: 'sess-1' });
    assert.equal(r.code, 0);
    assert.deepEqual(r.data as IdcardCompareData & { details: unknown }, { similarity: 88.46, session_id: 'sess-1', details: { request_id: (r.data as { details: { request_id: string } }).details.request_id } });
  });

  it('multipart with an image file part, or a base64 text part, works too', async () => {
    const file = await s.client.idcardcompare({ idcardNumber: ID, idcardName: NAME, image: Buffer.from('jpeg') });
    assert.equal(file.code, 0);
    const form = new FormData();
    for (const [k, v] of Object.entries({ appid: s.creds.appid, idcard_number: ID, idcard_name: NAME, image: Buffer.from('jpeg').toString('base64') })) form.append(k, v);
    const text = await post(s.baseUrl, '/face/idcardcompare', { headers: { authorization: signToken(s.creds) }, body: form });
    assert.equal(text.body.code, 0, text.body.message);
  });

  it('answers -5805 with session_id when there is no image or the download fails', async () => {
    const none = await s.client.idcardcompare({ idcardNumber: ID, idcardName: NAME, sessionId: 'x' });
    assert.deepEqual([none.code, (none.data as { session_id: string }).session_id], [-5805, 'x']);
    const failed = await s.client.idcardcompare({ idcardNumber: ID, idcardName: NAME, url: 'http://10.0.0.1/a.jpg' });
    assert.equal(failed.code, -5805);
    assert.match(failed.message, /address-blocked/);
  });

  it('answers the face failure (-4012) and identity failures at the top level', async () => {
    s.inference.photoError = 'PHOTO_NO_FACE';
    assert.equal((await s.client.idcardcompare({ idcardNumber: ID, idcardName: NAME, url: 'https://img.test/a.jpg' })).code, -4012);
    assert.equal((await s.client.idcardcompare({ idcardNumber: '1', idcardName: NAME, url: 'https://img.test/a.jpg' })).code, -5804);
  });
});

describe('POST /face/livedetectpicture', () => {
  it('answers an integer score and "not_set_session_id" when no session_id was sent', async () => {
    const r = await s.client.livedetectpicture({ url: 'https://img.test/p.jpg' });
    assert.equal(r.code, 0);
    const d = r.data as LiveDetectPictureData;
    assert.deepEqual([d.score, d.session_id], [94, 'not_set_session_id']);
  });

  it('takes a multipart image and echoes session_id', async () => {
    const r = await s.client.livedetectpicture({ image: Buffer.from('jpeg'), sessionId: 'abc' });
    assert.deepEqual([r.code, (r.data as LiveDetectPictureData).session_id], [0, 'abc']);
  });

  it('answers -5805 without an image and -4011 for an undecodable photo', async () => {
    assert.equal((await s.client.livedetectpicture({})).code, -5805);
    s.inference.photoError = 'PHOTO_DECODE_FAILED';
    assert.equal((await s.client.livedetectpicture({ url: 'https://img.test/p.jpg' })).code, -4011);
  });

  it('takes base64 text in a JSON image on both photo endpoints; other text is -5805 and a non-string 21', async () => {
    const json = (path: string, body: Record<string, unknown>) =>
      post(s.baseUrl, path, { headers: { authorization: signToken(s.creds), 'content-type': 'application/json' }, body: JSON.stringify({ appid: s.creds.appid, ...body }) });
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    for (const image of [photo.toString('base64'), `data:image/jpeg;base64,${photo.toString('base64')}`]) {
      const picture = await json('/face/livedetectpicture', { image });
      assert.equal(picture.body.code, 0, picture.body.message);
      assert.deepEqual(Buffer.from(s.inference.photos.at(-1) ?? []), photo);
      const compare = await json('/face/idcardcompare', { idcard_number: ID, idcard_name: NAME, image, session_id: 's' });
      assert.equal(compare.body.code, 0, compare.body.message);
      assert.deepEqual(Buffer.from(s.inference.photos.at(-1) ?? []), photo);
    }
    // Before 2026-12-04 a JSON image reached the code that reads an uploaded file: HTTP 500.
    const text = await json('/face/livedetectpicture', { image: '棄쯐崪 not base64' });
    assert.deepEqual([text.status, text.body.code], [200, -5805]);
    assert.match(text.body.message, /not base64/);
    assert.equal((await json('/face/idcardcompare', { idcard_number: ID, idcard_name: NAME, image: { bytes: 1 } })).body.code, 21);
    const both = await json('/face/livedetectpicture', { url: 'https://img.test/p.jpg', image: photo.toString('base64') });
    assert.equal(both.body.code, 0);
    assert.deepEqual(Buffer.from(s.inference.photos.at(-1) ?? []), Buffer.from([1, 2, 3]), 'url wins over image, as in multipart');
  });

  it('answers 21 for a url of the wrong type', async () => {
    const r = await post(s.baseUrl, '/face/livedetectpicture', {
      headers: { authorization: signToken(s.creds), 'content-type': 'application/json' },
      body: JSON.stringify({ appid: s.creds.appid, url: 42 }),
    });
    assert.equal(r.body.code, 21);
  });
});
