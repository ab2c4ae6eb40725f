import jpeg from 'jpeg-js';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';

/**
 * QR codes of coupon codes: a PNG to send with the code, and decoding a photo (a cashier's snapshot of a customer's
 * screen, which Telegram re-encodes as JPEG) back to its text. Pure JS: no native image libraries on the server.
 */

/** A PNG of the text as a QR code: margin of 4 modules (the standard quiet zone), 10 px per module, error level M. */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 10 });
}

// jsqr is CommonJS with `exports.default`; under Node's ESM the default import is the function itself (typed as the module).
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ??
  jsQRModule) as unknown as typeof jsQRModule.default;

/** Largest photo we decode (pixels): a Telegram photo is at most 2560 px on its long side. */
const MAX_MEGAPIXELS = 12;

/** The text of the first QR code found in a PNG or JPEG image, or null (no code, or not an image we can read). */
export function decodeQr(image: Buffer): string | null {
  const pixels = rgba(image);
  if (!pixels) return null;
  const found = jsQR(
    new Uint8ClampedArray(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length),
    pixels.width,
    pixels.height,
    {
      // A code shown on a dark-mode screen is light on dark: try both.
      inversionAttempts: 'attemptBoth',
    },
  );
  return found?.data ?? null;
}

function rgba(image: Buffer): { data: Uint8Array; width: number; height: number } | null {
  try {
    if (isPng(image)) {
      const png = PNG.sync.read(image);
      return { data: png.data, width: png.width, height: png.height };
    }
    if (isJpeg(image)) {
      const img = jpeg.decode(image, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_MEGAPIXELS,
      });
      return { data: img.data, width: img.width, height: img.height };
    }
  } catch {
    // A broken or unsupported image is simply "no code found".
  }
  return null;
}

const isPng = (b: Buffer) => b.length > 8 && b.readUInt32BE(0) === 0x89504e47;
const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8;
