import { describe, expect, it } from 'vitest';
import { sharedBuffersMb } from './postmaster.ts';

describe('sharedBuffersMb', () => {
  it('takes an eighth of the memory, never under 128 MB nor over 1 GB', () => {
    const gib = 2 ** 30;
    expect(sharedBuffersMb(0.5 * gib)).toBe(128);
    expect(sharedBuffersMb(2 * gib)).toBe(256);
    expect(sharedBuffersMb(4 * gib)).toBe(512);
    expect(sharedBuffersMb(24 * gib)).toBe(1024);
  });
});
