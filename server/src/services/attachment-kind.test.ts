import { describe, expect, it } from 'vitest';
import { inferKind, kindMismatch } from './attachment-kind.ts';

describe('inferKind', () => {
  it.each([
    ['image/jpeg', 'photo'],
    ['image/png', 'photo'],
    ['image/gif', 'animation'],
    ['image/svg+xml', 'document'],
    ['video/mp4', 'video'],
    ['audio/ogg', 'audio'],
    ['audio/mpeg', 'audio'],
    ['application/pdf', 'document'],
    [null, 'document'],
  ])('sends %s as %s', (mime, kind) => {
    expect(inferKind(mime)).toBe(kind);
  });
});

describe('kindMismatch', () => {
  it('accepts kinds that fit the file, a document always', () => {
    expect(kindMismatch('voice', 'audio/ogg')).toBeNull();
    expect(kindMismatch('document', 'image/png')).toBeNull();
    expect(kindMismatch('photo', 'image/webp')).toBeNull();
    expect(kindMismatch('sticker', 'image/webp')).toBeNull();
  });

  it('explains kinds that do not fit', () => {
    expect(kindMismatch('photo', 'application/pdf')).toBe('a application/pdf file cannot be sent as photo');
    expect(kindMismatch('voice', 'audio/wav')).toMatch(/cannot be sent as voice/);
    expect(kindMismatch('video', null)).toMatch(/application\/octet-stream/);
  });
});
