import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeQr, qrPng } from './qr.ts';

describe('QR codes of coupon codes', () => {
  it('decodes a generated PNG back to the code', async () => {
    const png = await qrPng('KQ7M-X3PA');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(decodeQr(png)).toBe('KQ7M-X3PA');
  });

  it('decodes the same image after a JPEG re-encode, as Telegram delivers photos', async () => {
    const png = PNG.sync.read(await qrPng('ZB4N-8WHT'));
    const photo = jpeg.encode({ data: png.data, width: png.width, height: png.height }, 70).data;
    expect(photo[0]).toBe(0xff);
    expect(decodeQr(photo)).toBe('ZB4N-8WHT');
  });

  it('finds nothing in an image without a code, or in bytes that are not an image', () => {
    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    expect(decodeQr(PNG.sync.write(blank))).toBeNull();
    expect(decodeQr(Buffer.from('not an image at all'))).toBeNull();
  });
});
