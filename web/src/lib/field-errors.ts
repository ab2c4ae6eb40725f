import { ApiError } from './api.ts';

/** Field path → the API's reason, so a form shows each 4xx message next to the field it names. */
export type FieldErrors = Record<string, string>;

/**
 * The API names fields as `body/email`, `/settings/smtp/port` or `/token`; forms key their fields by the path without the
 * `body` prefix and the leading slash (`settings/smtp/port`), so both spellings land on the same field.
 */
export function normalizePath(path: string | undefined): string {
  return (path ?? '').replace(/^\/?(body|querystring|params)\//, '').replace(/^\//, '');
}

/** Every field problem of an API error by path; problems without a path go under '' (shown above the buttons). */
export function fieldErrors(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return {};
  const out: FieldErrors = {};
  for (const d of err.details) {
    const key = normalizePath(d.path);
    out[key] = out[key] ? `${out[key]}; ${d.message}` : d.message;
  }
  if (Object.keys(out).length === 0) out[''] = err.message;
  return out;
}

/** The message for one field, or for any field under it (`settings/smtp` also shows `settings/smtp/port`). */
export function errorAt(errors: FieldErrors, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const nested = Object.entries(errors).find(([k]) => k.startsWith(`${field}/`));
  return nested?.[1];
}

/** Problems no field of the form shows (the form lists them together). */
export function unplacedErrors(errors: FieldErrors, fields: readonly string[]): string[] {
  return Object.entries(errors)
    .filter(([k]) => !fields.some((f) => k === f || k.startsWith(`${f}/`)))
    .map(([, v]) => v);
}

type Translate = (key: 'error.forbidden' | 'error.network') => string;

/** One line for a failed request: the API's own words, "not allowed" for a 403, "cannot reach" without an answer. */
export function problemText(err: unknown, t: Translate): string {
  if (err instanceof ApiError && err.status === 403) return t('error.forbidden');
  if (err instanceof ApiError) return err.details[0]?.message ?? err.message;
  return t('error.network');
}
