import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, TooManyRequestsError } from '../lib/errors.ts';

const STATUS: Record<string, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  // An attachment whose bytes cannot be served (services/files.service.ts): each reason its own code.
  file_not_downloaded: 404,
  file_too_big: 404,
  file_download_failed: 404,
  file_missing: 404,
  too_many_requests: 429,
  // A channel's platform (Telegram) could not be reached or answered 5xx/429: ours is fine, try again.
  channel_unavailable: 503,
};

// Unique indexes whose violation is a client's duplicate value, by the field it names.
const UNIQUE_FIELDS: Record<string, string> = {
  users_email_key: '/email',
  contacts_external_id_key: '/externalId',
  channels_type_external_id_key: '/token',
  templates_key_key: '/key',
};

type AjvError = { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> };

/** Turns Ajv's errors into `{ path, message }` naming the field (`body/email`, `querystring/limit`). */
function validationDetails(errors: AjvError[], context: string) {
  return errors.map((e) => {
    let path = e.instancePath;
    if (e.keyword === 'required') path += `/${String(e.params.missingProperty)}`;
    if (e.keyword === 'additionalProperties') path += `/${String(e.params.additionalProperty)}`;
    const message =
      e.keyword === 'additionalProperties'
        ? 'unknown field'
        : e.keyword === 'required'
          ? 'is required'
          : (e.message ?? 'is invalid');
    return { path: `${context}${path}`, message };
  });
}

/** The one place errors become HTTP answers. Anything unexpected is a logged 500 without internals. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err.validation) {
    const details = validationDetails(err.validation as AjvError[], err.validationContext ?? 'body');
    return reply
      .status(400)
      .send({ error: { code: 'validation_failed', message: 'The request is invalid', details } });
  }
  if (err instanceof DomainError) {
    // A 429 of ours, or a channel paused by the platform's own retry_after.
    const retryAfter = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (err instanceof TooManyRequestsError || typeof retryAfter === 'number')
      reply.header('retry-after', String(retryAfter));
    return reply
      .status(STATUS[err.code] ?? 400)
      .send({ error: { code: err.code, message: err.message, details: err.details } });
  }
  // Postgres data exceptions (a malformed value that slipped past the schema) and unique violations are the client's.
  const pgCode = (err as { code?: string }).code;
  if (typeof pgCode === 'string' && /^22[0-9A-Z]{3}$/.test(pgCode)) {
    return reply.status(400).send({
      error: { code: 'validation_failed', message: 'A value is out of range or malformed', details: [] },
    });
  }
  if (pgCode === '23505') {
    // Services check first; the index catches the race of two concurrent writes, and still names the field.
    const field = UNIQUE_FIELDS[(err as { constraint?: string }).constraint ?? ''];
    const details = field ? [{ path: field, message: 'already taken' }] : [];
    return reply
      .status(409)
      .send({ error: { code: 'conflict', message: 'This conflicts with an existing record', details } });
  }
  // Fastify's own client errors (bad JSON, body too large, unsupported media type) keep their 4xx status.
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply
      .status(status)
      .send({ error: { code: err.code ?? 'bad_request', message: err.message, details: [] } });
  }
  req.log.error({ err }, 'unhandled error');
  return reply
    .status(500)
    .send({ error: { code: 'internal', message: 'Internal error; see the server log', details: [] } });
}
