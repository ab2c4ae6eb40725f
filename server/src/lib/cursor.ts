import { ValidationError } from './errors.ts';

/** The position after the last row of a page: its sort value and id (ties broken by id), and the ordering it belongs to. */
export interface CursorPosition {
  v: string | number | null;
  id: string;
  /** Which ordering (e.g. `name:asc`) the position was taken in; a cursor is refused under another one. */
  k?: string;
}

/** Opaque to clients: base64url of the JSON position. */
export function encodeCursor(pos: CursorPosition): string {
  return Buffer.from(JSON.stringify(pos)).toString('base64url');
}

/** The 400 every unusable cursor gets, naming `cursor`. */
export function invalidCursor(): ValidationError {
  return new ValidationError('Invalid cursor', [
    { path: '/cursor', message: 'not a cursor returned by this API' },
  ]);
}

/** Decodes a cursor or answers 400 on `cursor`; `accept` lets the caller refuse positions it cannot use. */
export function decodeCursor(
  cursor: string,
  accept: (pos: CursorPosition) => boolean = () => true,
): CursorPosition {
  let pos: CursorPosition;
  try {
    pos = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPosition;
  } catch {
    throw invalidCursor();
  }
  const validV = pos?.v === null || typeof pos?.v === 'string' || typeof pos?.v === 'number';
  const validK = pos?.k === undefined || typeof pos?.k === 'string';
  if (typeof pos !== 'object' || pos === null || Array.isArray(pos) || typeof pos.id !== 'string')
    throw invalidCursor();
  if (!validV || !validK || !accept(pos)) throw invalidCursor();
  return pos;
}

/** One page of a list: every list endpoint answers this shape. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  total?: number;
}
