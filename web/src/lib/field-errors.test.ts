import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { errorAt, fieldErrors, normalizePath, problemText, unplacedErrors } from './field-errors.ts';

const t = (key: string) => `<${key}>`;

describe('API errors on form fields', () => {
  it('puts schema and service paths on the same field name', () => {
    expect(normalizePath('body/email')).toBe('email');
    expect(normalizePath('/settings/smtp/password')).toBe('settings/smtp/password');
    expect(normalizePath(undefined)).toBe('');
  });

  it('collects every field problem, joining two on the same field', () => {
    const err = new ApiError(400, 'validation_failed', 'Invalid', [
      { path: 'body/email', message: 'not an email address' },
      { path: '/email', message: 'taken' },
      { path: '/settings/imap/password', message: 'IMAP login refused' },
    ]);
    const errors = fieldErrors(err);
    expect(errors).toEqual({
      email: 'not an email address; taken',
      'settings/imap/password': 'IMAP login refused',
    });
    expect(errorAt(errors, 'settings/imap')).toBe('IMAP login refused');
    expect(unplacedErrors(errors, ['email'])).toEqual(['IMAP login refused']);
  });

  it('keeps an error without fields under the empty name, and says why a request failed', () => {
    const conflict = new ApiError(409, 'conflict', 'The last owner cannot be demoted');
    expect(fieldErrors(conflict)).toEqual({ '': 'The last owner cannot be demoted' });
    expect(problemText(conflict, t)).toBe('The last owner cannot be demoted');
    expect(problemText(new ApiError(403, 'forbidden', 'Forbidden'), t)).toBe('<error.forbidden>');
    expect(problemText(new TypeError('Failed to fetch'), t)).toBe('<error.network>');
  });
});
