import { readSession, writeSession } from './session.ts';

/** An error answer of the API: `{error: {code, message, details}}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path?: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls the REST API with the session's bearer token; a 401 ends the session so the app shows the login page. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const session = readSession();
  const headers: Record<string, string> = {};
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: [] } } | undefined)?.error;
    if (res.status === 401 && session) writeSession(null);
    throw new ApiError(
      res.status,
      err?.code ?? 'http_error',
      err?.message ?? res.statusText,
      err?.details ?? [],
    );
  }
  return json as T;
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Fetches a protected file (attachments need the bearer token, so <img src> cannot load them directly). */
export async function fetchBlob(url: string): Promise<Blob> {
  const session = readSession();
  const res = await fetch(url, { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, 'file_unavailable', res.statusText);
  return res.blob();
}
