import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { ValidationError } from './errors.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

/** Runs `fn` and returns the ValidationError it threw. */
function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('cursor', () => {
  it('round-trips a position, including null, numeric and unicode values', () => {
    for (const pos of [
      { v: '2024-03-01 10:00:00.123456+00', id: 'a', k: 'createdAt:desc' },
      { v: null, id: 'b' },
      { v: 42, id: 'c' },
      { v: 'Пётр «тест» 🙂', id: 'd', k: 'name:asc' },
    ]) {
      expect(decodeCursor(encodeCursor(pos))).toEqual(pos);
    }
  });

  it('is URL-safe text', () => {
    expect(encodeCursor({ v: '??>>~~', id: '////' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['not base64 json', 'not a cursor!'],
    ['empty', ''],
    ['json null', b64('null')],
    ['a number', b64('7')],
    ['an array', b64('["v","id"]')],
    ['no id', b64('{"v":"x"}')],
    ['numeric id', b64('{"v":"x","id":5}')],
    ['object value', b64('{"v":{},"id":"x"}')],
    ['numeric key', b64('{"v":"x","id":"x","k":1}')],
  ])('refuses %s with a 400 naming cursor', (_what, cursor) => {
    const err = refusal(() => decodeCursor(cursor));
    expect(err.details).toEqual([{ path: '/cursor', message: expect.any(String) }]);
  });

  it('refuses a position the caller does not accept', () => {
    const cursor = encodeCursor({ v: 'x', id: 'y', k: 'name:asc' });
    expect(decodeCursor(cursor, (p) => p.k === 'name:asc').id).toBe('y');
    expect(refusal(() => decodeCursor(cursor, (p) => p.k === 'name:desc')).details[0]!.path).toBe('/cursor');
  });
});
