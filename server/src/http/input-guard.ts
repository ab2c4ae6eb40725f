import type { FastifyRequest } from 'fastify';
import { type FieldProblem, ValidationError } from '../lib/errors.ts';

/** Deeper JSON than this is refused: nothing we store nests so far, and deep values overflow the stack when re-serialised. */
export const MAX_JSON_DEPTH = 32;

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  // The query parser builds objects whose prototype itself has a null prototype.
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
};

/**
 * The first problem in one request part: nesting beyond MAX_JSON_DEPTH, or a NUL character (Postgres text and
 * jsonb cannot hold one, so it would surface later as an unnamed database error). Iterative: the input may be deep.
 */
function problemIn(value: unknown, context: string): FieldProblem | null {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: '', depth: 0 }];
  const seen = new Set<object>(); // parsed JSON has no cycles, but a plugin's body object might
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000'))
        return { path: `${context}${path}`, message: 'must not contain NUL characters' };
      continue;
    }
    if ((!Array.isArray(v) && !isPlain(v)) || seen.has(v)) continue;
    seen.add(v);
    if (depth >= MAX_JSON_DEPTH)
      return { path: `${context}${path}`, message: `is nested deeper than ${MAX_JSON_DEPTH} levels` };
    for (const [k, child] of Object.entries(v)) {
      if (k.includes('\u0000'))
        return { path: `${context}${path}`, message: 'a key contains a NUL character' };
      stack.push({ v: child, path: `${path}/${k}`, depth: depth + 1 });
    }
  }
  return null;
}

/** A preValidation hook: refuses over-deep or NUL-carrying input with a 400 naming the field. */
export async function guardInput(req: FastifyRequest): Promise<void> {
  for (const [context, value] of [
    ['params', req.params],
    ['querystring', req.query],
    ['body', req.body],
  ] as const) {
    const problem = problemIn(value, context);
    if (problem) throw new ValidationError('The request is invalid', [problem]);
  }
}
