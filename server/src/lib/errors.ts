/** A problem with one input field, reported to clients as `details[]`. */
export interface FieldProblem {
  path: string;
  message: string;
  /** Where in a source text (a template) the problem is, 1-based. */
  line?: number;
  column?: number;
}

/** Base of errors that services throw on purpose; the HTTP error handler maps each to a status once. */
export class DomainError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

/** Input that cannot be accepted (400). */
export class ValidationError extends DomainError {
  constructor(message: string, details: FieldProblem[] = []) {
    super('validation_failed', message, details);
  }
}

/** An id that does not exist (404). */
export class NotFoundError extends DomainError {
  constructor(entity: string, id?: string) {
    super('not_found', id ? `${entity} ${id} not found` : `${entity} not found`);
  }
}

/** The request is well-formed but conflicts with current state (409). */
export class ConflictError extends DomainError {
  constructor(message: string, details: FieldProblem[] = []) {
    super('conflict', message, details);
  }
}

/** Not signed in, or the credential is bad (401). */
export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('unauthorized', message);
  }
}

/** Signed in but not allowed (403). */
export class ForbiddenError extends DomainError {
  constructor(message = 'You do not have permission to do this') {
    super('forbidden', message);
  }
}

/** Too many attempts (429); `retryAfterSeconds` becomes the Retry-After header. */
export class TooManyRequestsError extends DomainError {
  constructor(
    message: string,
    public readonly retryAfterSeconds: number,
  ) {
    super('too_many_requests', message);
  }
}

/** A body over a configured size (413), e.g. a CSV upload above IMPORT_MAX_MB. */
export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}
