// Draws the app icons (web/public/icons) without any image library: a blue rounded square with a white speech
// bubble, as SVG and as PNG at the sizes a PWA manifest needs. Run once after changing the design; outputs are committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const out = new URL('../public/icons/', import.meta.url);
const BLUE = [29, 78, 216];
const WHITE = [255, 255, 255];

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
<title>Switchboard</title>
<rect width="512" height="512" rx="96" fill="rgb(${BLUE})"/>
<path d="M128 144h256a32 32 0 0 1 32 32v128a32 32 0 0 1-32 32H232l-72 56v-56h-32a32 32 0 0 1-32-32V176a32 32 0 0 1 32-32z" fill="#fff"/>
</svg>
`;
writeFileSync(new URL('icon.svg', out), svg);

/** Whether a point (in 512-unit space) is inside the bubble. */
function inBubble(x, y) {
  const inRect = (x0, y0, x1, y1, r) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  if (inRect(96, 144, 416, 336, 32)) return true;
  // The tail: a triangle from (160,336) (232,336) down to (160,392).
  return y >= 336 && y <= 392 && x >= 160 && x <= 232 - ((y - 336) * 72) / 56;
}
const inSquare = (x, y) => inBubbleRounded(x, y, 0, 0, 512, 512, 96);
function inBubbleRounded(x, y, x0, y0, x1, y1, r) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, maskable) {
  const rows = [];
  for (let py = 0; py < size; py += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px += 1) {
      // Maskable icons fill the whole square (the platform cuts its own shape) and keep the art in the middle 80%.
      const scale = maskable ? 512 / (size * 0.8) : 512 / size;
      const offset = maskable ? (512 - 512 / 0.8) / 2 : 0;
      const x = (px + 0.5) * scale + offset;
      const y = (py + 0.5) * scale + offset;
      const inside = maskable || inSquare(x, y);
      const colour = inBubble(x, y) ? WHITE : BLUE;
      row.set(inside ? [...colour, 255] : [0, 0, 0, 0], 1 + px * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

writeFileSync(new URL('icon-192.png', out), png(192, false));
writeFileSync(new URL('icon-512.png', out), png(512, false));
writeFileSync(new URL('icon-maskable-512.png', out), png(512, true));
