import { ValidationError } from './errors.ts';

/** The position after the last row of a page: its sort value and id (ties broken by id). */
export interface CursorPosition {
  v: string | number | null;
  id: string;
}

/** Opaque to clients: base64url of the JSON position. */
export function encodeCursor(pos: CursorPosition): string {
  return Buffer.from(JSON.stringify(pos)).toString('base64url');
}

/** Decodes a cursor or answers 400 on `cursor`. */
export function decodeCursor(cursor: string): CursorPosition {
  try {
    const pos = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPosition;
    if (typeof pos !== 'object' || pos === null || typeof pos.id !== 'string') throw new Error('shape');
    return pos;
  } catch {
    throw new ValidationError('Invalid cursor', [
      { path: '/cursor', message: 'not a cursor returned by this API' },
    ]);
  }
}

/** One page of a list: every list endpoint answers this shape. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  total?: number;
}
