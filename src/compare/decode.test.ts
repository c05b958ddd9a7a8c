import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { decodeImage, rasterFormat } from './decode.js';

const picture = () => sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 120, b: 90 } } });

describe('decodeImage', () => {
  it('decodes JPEG, PNG, WebP, GIF, TIFF and AVIF photos to upright RGB at the work size', async () => {
    for (const format of ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const) {
      const bytes = await picture().toFormat(format).toBuffer();
      assert.equal(rasterFormat(bytes), format === 'avif' ? 'heif' : format);
      const frame = await decodeImage(bytes);
      assert.deepEqual(frame && [frame.width, frame.height, frame.data.length], [640, 480, 640 * 480 * 3], format);
    }
  });

  it('refuses an SVG at once, even one whose rendering would never end', async () => {
    // 8^11 circles through nested <use>: before the format check this decode ran past two minutes.
    let defs = '<circle id="a0" r="1000" cx="3000" cy="3000" fill="red" opacity="0.5"/>';
    for (let i = 1; i < 12; i++) defs += `<g id="a${i}">${'<use href="#a' + (i - 1) + '"/>'.repeat(8)}</g>`;
    const bomb = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="6000" height="6000"><defs>${defs}</defs><use href="#a11"/></svg>`);
    const plain = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><rect width="400" height="400" fill="red"/></svg>');
    const started = Date.now();
    assert.equal(await decodeImage(bomb), null);
    assert.equal(await decodeImage(plain), null);
    assert.ok(Date.now() - started < 1000);
  });

  it('refuses bytes whose leading bytes and decoder disagree, empty input and text', async () => {
    const png = await picture().png().toBuffer();
    const jpegHeadOnPng = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), png.subarray(3)]);
    assert.equal(await decodeImage(jpegHeadOnPng), null);
    assert.equal(await decodeImage(new Uint8Array(0)), null);
    assert.equal(await decodeImage(Buffer.from('GIF8 is not enough')), null);
    assert.equal(rasterFormat(Buffer.from('hello')), null);
  });
});
