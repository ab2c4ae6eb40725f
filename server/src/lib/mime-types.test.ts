import { describe, expect, it } from 'vitest';
import { extensionOf, mimeFromFileName, normalizeMime } from './mime-types.ts';

describe('mime types', () => {
  it('guesses from the extension of a name or a platform path, case-insensitively', () => {
    expect(mimeFromFileName('photos/file_3.JPG')).toBe('image/jpeg');
    expect(mimeFromFileName('voice/file_9.oga')).toBe('audio/ogg');
    expect(mimeFromFileName('report.final.pdf')).toBe('application/pdf');
    expect(mimeFromFileName('README')).toBeNull();
    expect(mimeFromFileName('archive.unknownext')).toBeNull();
    expect(mimeFromFileName(null)).toBeNull();
  });

  it('gives the usual extension of a type', () => {
    expect(extensionOf('image/jpeg')).toBe('jpg');
    expect(extensionOf('audio/ogg')).toBe('ogg');
    expect(extensionOf('application/x-unknown')).toBeNull();
  });

  it('keeps only a bare type/subtype and refuses anything that could smuggle header text', () => {
    expect(normalizeMime('Image/PNG; charset=binary')).toBe('image/png');
    expect(normalizeMime('text/html\r\nX-Evil: 1')).toBeNull();
    expect(normalizeMime('nonsense')).toBeNull();
    expect(normalizeMime('')).toBeNull();
    expect(normalizeMime(null)).toBeNull();
  });
});
