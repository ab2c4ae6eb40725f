import { describe, expect, it } from 'vitest';
import { contentDisposition, servesInline } from './content-disposition.ts';

describe('contentDisposition', () => {
  it('gives a plain name as is in both forms', () => {
    expect(contentDisposition('inline', 'photo.jpg')).toBe(
      `inline; filename="photo.jpg"; filename*=UTF-8''photo.jpg`,
    );
  });

  it('keeps a UTF-8 name exactly in filename* and an ASCII stand-in in filename', () => {
    expect(contentDisposition('attachment', 'Счёт №5.pdf')).toBe(
      `attachment; filename="____ _5.pdf"; filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82%20%E2%84%965.pdf`,
    );
  });

  it('cannot be broken out of by quotes, backslashes, line breaks or RFC 5987 specials', () => {
    const header = contentDisposition('attachment', 'a"b\\c\r\nSet-Cookie: x=1;(\'*).txt');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toBe(
      `attachment; filename="a_b_c__Set-Cookie: x=1;('*).txt"; ` +
        `filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1%3B%28%27%2A%29.txt`,
    );
  });
});

describe('servesInline', () => {
  it('shows media inline and downloads everything else, SVG included', () => {
    expect(servesInline('image/jpeg')).toBe(true);
    expect(servesInline('video/mp4')).toBe(true);
    expect(servesInline('audio/ogg')).toBe(true);
    expect(servesInline('image/svg+xml')).toBe(false);
    expect(servesInline('text/html')).toBe(false);
    expect(servesInline('application/pdf')).toBe(false);
  });
});
