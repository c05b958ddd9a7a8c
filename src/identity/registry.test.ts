import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EmbedResult } from '../core/inference.js';
import { openSqliteStore } from '../store/index.js';
import { IdentityRegistry, validateIdNumber } from './index.js';

const VALID = '11010519491231002X';
const VALID_2 = '440524188001010014';
const PHOTO = new Uint8Array([1, 2, 3, 4]);
const template = { model: 'test-model', embedding: [0.6, 0.8] };
const embedOk = async (): Promise<EmbedResult> => ({ ok: true, template });

const dirs: string[] = [];
function registry(retention: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), 'livecheck-identity-'));
  dirs.push(dataDir);
  return { reg: new IdentityRegistry(openSqliteStore(':memory:').identities, { retention, dataDir }), dataDir };
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('GB 11643-1999 ID numbers', () => {
  it('accepts numbers with a correct MOD 11-2 check character and a real birth date', () => {
    for (const n of [VALID, VALID_2, '11010519491231002x', ' 440524188001010014 ']) assert.equal(validateIdNumber(n), true, n);
  });

  it('rejects a wrong check character', () => {
    assert.equal(validateIdNumber('110105194912310021'), false);
    assert.equal(validateIdNumber('440524188001010015'), false);
  });

  it('rejects wrong lengths and characters', () => {
    for (const n of ['', '11010519491231002', '11010519491231002XX', '1101051949123100AX', '110105491231002', '01010519491231002X']) {
      assert.equal(validateIdNumber(n), false, n);
    }
  });

  it('rejects impossible or implausible birth dates even with a matching check character', () => {
    const withCheck = (first17: string): string => {
      const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
      const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
      return first17 + '10X98765432'[sum % 11];
    };
    assert.equal(validateIdNumber(withCheck('11010519490231002')), false, 'February 31st');
    assert.equal(validateIdNumber(withCheck('11010518000101002')), false, 'born in 1800');
    assert.equal(validateIdNumber(withCheck('11010530000101002'), new Date('2026-01-01')), false, 'born in the future');
    assert.equal(validateIdNumber(withCheck('11010520000229002')), true, 'leap day 2000');
  });
});

describe('IdentityRegistry', () => {
  it('returns the stored template for an enrolled number and matching name', async () => {
    const { reg } = registry(false);
    assert.deepEqual(await reg.add({ number: VALID, name: '张三', photo: PHOTO }, embedOk), { ok: true, replaced: false });
    assert.deepEqual(await reg.lookup(VALID.toLowerCase(), ' 张三 '), { ok: true, template });
  });

  it('answers -5801 when the number or the name is missing', async () => {
    const { reg } = registry(false);
    assert.deepEqual(await reg.lookup('', '张三'), { ok: false, error: 'ID_FIELDS_MISSING' });
    assert.deepEqual(await reg.lookup(VALID, '  '), { ok: false, error: 'ID_FIELDS_MISSING' });
    assert.deepEqual(await reg.add({ number: VALID, name: '', photo: PHOTO }, embedOk), { ok: false, error: 'ID_FIELDS_MISSING' });
  });

  it('answers -5804 for an invalid number, on lookup and on enrolment', async () => {
    const { reg } = registry(false);
    assert.deepEqual(await reg.lookup('110105194912310021', '张三'), { ok: false, error: 'ID_NUMBER_INVALID' });
    assert.deepEqual(await reg.add({ number: '123', name: '张三', photo: PHOTO }, embedOk), { ok: false, error: 'ID_NUMBER_INVALID' });
  });

  it('answers ID_NOT_ENROLLED for a valid number nobody enrolled', async () => {
    const { reg } = registry(false);
    assert.deepEqual(await reg.lookup(VALID_2, '李四'), { ok: false, error: 'ID_NOT_ENROLLED' });
  });

  it('answers -5803 when the name does not match the number', async () => {
    const { reg } = registry(false);
    await reg.add({ number: VALID, name: '张三', photo: PHOTO }, embedOk);
    assert.deepEqual(await reg.lookup(VALID, '李四'), { ok: false, error: 'ID_NAME_MISMATCH' });
  });

  it('passes the embedder error through when the photo has no usable face', async () => {
    const { reg } = registry(false);
    const noFace = async (): Promise<EmbedResult> => ({ ok: false, error: 'CARD_NO_FACE' });
    assert.deepEqual(await reg.add({ number: VALID, name: '张三', photo: PHOTO }, noFace), { ok: false, error: 'CARD_NO_FACE' });
    assert.deepEqual(await reg.add({ number: VALID, name: '张三', photo: new Uint8Array() }, embedOk), { ok: false, error: 'ID_IMAGE_MISSING' });
    assert.equal((await reg.list()).length, 0);
  });

  it('keeps no photo when retention is off', async () => {
    const { reg, dataDir } = registry(false);
    await reg.add({ number: VALID, name: '张三', photo: PHOTO }, embedOk);
    assert.equal((await reg.list())[0].hasPhoto, false);
    assert.equal(existsSync(join(dataDir, 'identity-photos')), false);
  });

  it('keeps the photo when retention is on and deletes it with the record', async () => {
    const { reg, dataDir } = registry(true);
    await reg.add({ number: VALID, name: '张三', photo: PHOTO }, embedOk);
    assert.equal((await reg.list())[0].hasPhoto, true);
    assert.equal(readdirSync(join(dataDir, 'identity-photos')).length, 1);
    assert.equal(await reg.remove(VALID), true);
    assert.equal(readdirSync(join(dataDir, 'identity-photos')).length, 0);
    assert.deepEqual(await reg.lookup(VALID, '张三'), { ok: false, error: 'ID_NOT_ENROLLED' });
  });

  it('replaces a record enrolled again and lists every identity', async () => {
    const { reg } = registry(false);
    await reg.add({ number: VALID, name: '张三', photo: PHOTO }, embedOk);
    assert.deepEqual(await reg.add({ number: VALID, name: '张三丰', photo: PHOTO }, embedOk), { ok: true, replaced: true });
    await reg.add({ number: VALID_2, name: '李四', photo: PHOTO }, embedOk);
    assert.deepEqual((await reg.list()).map((r) => [r.number, r.name]), [[VALID, '张三丰'], [VALID_2, '李四']]);
    assert.equal(await reg.remove('440524188001010015'), false);
  });
});
