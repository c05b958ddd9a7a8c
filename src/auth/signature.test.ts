import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { macMatches, parseSignature, signToken } from './signature.js';
import { MULTI, SECRET_ID, SECRET_KEY, SINGLE, TRUNCATED, WITH_U } from './spec-vectors.test-helper.js';


function parsed(token: string) {
  const r = parseSignature(token);
  assert.ok(r.ok, `expected ${token.slice(0, 20)}... to parse`);
  return r.sig;
}

describe('signature (SPEC "Signature")', () => {
  it('verifies the SPEC multi-use vector and reads its fields in a,k,e,t,r,f,b order', () => {
    const sig = parsed(MULTI);
    assert.equal(sig.plaintext.toString(), 'a=200001&k=AKIDUfLUEUigQiXqm7CVSspKJnuaiIKtxqAv&e=1437995704&t=1437995644&r=2081660421&f=&b=newbucket');
    assert.deepEqual([sig.appid, sig.secretId, sig.expiry, sig.time, sig.bucket, sig.fileId], ['200001', SECRET_ID, 1437995704, 1437995644, 'newbucket', '']);
    assert.equal(macMatches(sig, SECRET_KEY), true);
  });

  it('verifies the SPEC single-use vector (e=0, f set)', () => {
    const sig = parsed(SINGLE);
    assert.equal(sig.expiry, 0);
    assert.equal(sig.fileId, '/200001/newbucket/tencent_test.jpg');
    assert.equal(macMatches(sig, SECRET_KEY), true);
  });

  it('verifies the SPEC vector with u=0 and no b', () => {
    const sig = parsed(WITH_U);
    assert.equal(sig.bucket, '');
    assert.equal(sig.rand, '12345');
    assert.equal(macMatches(sig, SECRET_KEY), true);
  });

  it('rejects a wrong SecretKey in constant time', () => {
    assert.equal(macMatches(parsed(MULTI), SECRET_KEY.replace('b', 'c')), false);
  });

  it('refuses the truncated documentation sample as malformed', () => {
    const r = parseSignature(TRUNCATED);
    assert.equal(r.ok, false);
  });

  it('refuses non-Base64, too-short and field-less tokens', () => {
    for (const bad of ['not base64!', 'QUJD', Buffer.alloc(30, 1).toString('base64'), 'a'.repeat(5000)]) {
      assert.equal(parseSignature(bad).ok, false, bad.slice(0, 20));
    }
  });

  it('tolerates a missing r and fields in any order', () => {
    const plaintext = `t=100&e=200&k=${SECRET_ID}&a=7&f=`;
    const token = Buffer.concat([Buffer.alloc(20), Buffer.from(plaintext)]).toString('base64');
    const sig = parsed(token);
    assert.deepEqual([sig.appid, sig.time, sig.expiry, sig.rand], ['7', 100, 200, '']);
  });

  it('signs tokens that parse back and verify (multi-use and single-use)', () => {
    const multi = parsed(signToken({ appid: '42', secretId: SECRET_ID, secretKey: SECRET_KEY, bucket: 'b', ttlSec: 60, now: 1000 }));
    assert.deepEqual([multi.appid, multi.time, multi.expiry, multi.bucket], ['42', 1000, 1060, 'b']);
    assert.equal(macMatches(multi, SECRET_KEY), true);
    const once = parsed(signToken({ appid: '42', secretId: SECRET_ID, secretKey: SECRET_KEY, once: '/42/file', now: 1000 }));
    assert.deepEqual([once.expiry, once.fileId], [0, '/42/file']);
    assert.equal(macMatches(once, SECRET_KEY), true);
  });
});
