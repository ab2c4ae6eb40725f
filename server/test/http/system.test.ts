import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/http/input-guard.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startTestApp();
  token = (await app.userWithRole('owner')).token;
});
afterAll(async () => {
  await app.stop();
});

const json = { 'content-type': 'application/json' };
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** The one error shape every failure answers with. */
function expectErrorShape(res: { statusCode: number; json(): unknown }) {
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.statusCode).toBeLessThan(500);
  expect(res.json()).toEqual({
    error: {
      code: expect.any(String),
      message: expect.any(String),
      details: expect.any(Array),
    },
  });
}

describe('health and metrics', () => {
  it('answers /health with 200 and the database latency, without credentials', async () => {
    const res = await app.http!.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: { ok: true, latencyMs: expect.any(Number) } });
    expect(res.json().database.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('serves Prometheus text with request durations by route pattern and the pool gauge', async () => {
    await app.http!.inject({ method: 'GET', url: `/api/v1/users/${randomUUID()}`, headers: bearer(token) });
    const res = await app.http!.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('# TYPE switchboard_http_request_duration_seconds histogram');
    expect(res.body).toMatch(
      /switchboard_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users\/:id",status="404"\} [1-9]/,
    );
    expect(res.body).toMatch(/switchboard_db_pool_connections\{state="total"\} \d+/);
    expect(res.body).toMatch(/switchboard_db_pool_connections\{state="idle"\} \d+/);
  });

  it('counts jobs run by this process with their durations', async () => {
    await app.services.system.queueProbes('metrics-probe', 2);
    await eventually(
      async () => (await app.services.system.probeRuns('metrics-probe')).length >= 2,
      15_000,
      'two probe runs',
    );
    const res = await app.http!.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(/switchboard_jobs_total\{task="system.probe",outcome="success"\} [2-9]/);
    expect(res.body).toMatch(/switchboard_job_duration_seconds_count\{task="system.probe"\} [2-9]/);
  });
});

describe('API documentation', () => {
  it('serves the browsable docs at /api/docs and the OpenAPI 3.1 document without credentials', async () => {
    const page = await app.http!.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const doc = await app.http!.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(doc.json().openapi).toBe('3.1.0');
  });
});

describe('realtime endpoint over plain HTTP', () => {
  it('answers a GET without an upgrade with 426 in the error shape and is listed in the OpenAPI document', async () => {
    const res = await app.http!.inject({ method: 'GET', url: '/api/v1/realtime' });
    expect(res.statusCode).toBe(426);
    expect(res.json().error.code).toBe('upgrade_required');
    const doc = (await app.http!.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/v1/realtime']?.get?.tags).toEqual(['realtime']);
  });
});

describe('request ids', () => {
  it('gives every answer an x-request-id, echoing a well-formed one the client sent', async () => {
    for (const url of ['/health', '/api/v1/auth/me', '/nowhere']) {
      const res = await app.http!.inject({ method: 'GET', url });
      expect(res.headers['x-request-id'], url).toMatch(/^[\w.-]{1,100}$/);
    }
    const given = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { 'x-request-id': 'trace-42.abc' },
    });
    expect(given.headers['x-request-id']).toBe('trace-42.abc');
    const junk = await app.http!.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'has spaces and <tags>' },
    });
    expect(junk.headers['x-request-id']).not.toBe('has spaces and <tags>');
  });
});

describe('client junk never gives a 500', () => {
  const post = (url: string, payload: string, headers: Record<string, string> = json) =>
    app.http!.inject({ method: 'POST', url, headers: { ...bearer(token), ...headers }, payload });

  it('answers a malformed JSON body with 400', async () => {
    const res = await post('/api/v1/users', '{"email":');
    expect(res.statusCode).toBe(400);
    expectErrorShape(res);
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await post('/api/v1/users', '<user/>', { 'content-type': 'application/xml' });
    expect(res.statusCode).toBe(415);
    expectErrorShape(res);
  });

  it('answers plain text where JSON is expected with 400 naming the body', async () => {
    const res = await post('/api/v1/users', 'hello', { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('body');
  });

  it('answers a body over the limit with 413', async () => {
    const huge = JSON.stringify({ displayName: 'x'.repeat(app.config.bodyLimitBytes + 1) });
    const res = await post('/api/v1/users', huge);
    expect(res.statusCode).toBe(413);
    expectErrorShape(res);
  });

  it('answers an invalid uuid in the path with 400 naming it', async () => {
    const res = await app.http!.inject({ method: 'GET', url: '/api/v1/users/123', headers: bearer(token) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('params/id');
  });

  it('answers an unknown query field with 400 naming it', async () => {
    const res = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/users?colour=red',
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ path: 'querystring/colour', message: 'unknown field' }]);
  });

  it('answers a malformed list cursor with 400 naming it', async () => {
    for (const url of ['/api/v1/users?cursor=zzz', '/api/v1/api-keys?cursor=zzz']) {
      const res = await app.http!.inject({ method: 'GET', url, headers: bearer(token) });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details[0].path, url).toBe('querystring/cursor');
    }
  });

  it('answers an array, a string or null where an object is expected with 400', async () => {
    for (const payload of ['[]', '[{"email":"a@b.c"}]', '"user"', 'null', '42']) {
      const res = await post('/api/v1/users', payload);
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().error.details[0].path, payload).toBe('body');
    }
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels with 400 naming where`, async () => {
    for (const body of [
      nested(100_000),
      `{"name":"Deep","attributes":{"x":${nested(1000)}}}`,
      `[${nested(MAX_JSON_DEPTH + 1)}]`,
    ]) {
      const res = await post('/api/v1/contacts', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].message).toContain('nested deeper');
    }
    const setting = await app.http!.inject({
      method: 'PATCH',
      url: '/api/v1/settings/workspace_name',
      headers: { ...bearer(token), ...json },
      payload: `{"value":${nested(50_000)}}`,
    });
    expect(setting.statusCode).toBe(400);
    expect(setting.json().error.details[0].path).toMatch(/^body\/value\/a/);
  });

  it('accepts JSON nested within the limit', async () => {
    const res = await post('/api/v1/contacts', `{"name":"Shallow","attributes":{"x":${nested(10)}}}`);
    expect(res.statusCode).toBe(201);
  });

  it('refuses NUL characters in body, query and keys with 400 naming the field', async () => {
    const body = await post(
      '/api/v1/users',
      JSON.stringify({ email: 'a@b.c', displayName: 'A\u0000', role: 'agent' }),
    );
    expect(body.json().error.details).toEqual([
      { path: 'body/displayName', message: 'must not contain NUL characters' },
    ]);
    const query = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/audit-log?action=a%00b',
      headers: bearer(token),
    });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.details[0].path).toBe('querystring/action');
    const login = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'x\u0000@example.com', password: 'whatever' },
    });
    expect(login.statusCode).toBe(400);
    expect(login.json().error.details[0].path).toBe('body/email');
  });

  it('answers a malformed URL encoding with 400 in the same shape', async () => {
    const res = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/users/%E0%A4%A',
      headers: { ...bearer(token), 'x-request-id': 'bad-url-1' },
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res);
    expect(res.headers['x-request-id']).toBe('bad-url-1');
  });

  it('answers an unknown route or method with 404 in the same shape', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nope'],
      ['PUT', '/api/v1/users'],
      // Outside the server's prefixes a GET is the web app's page (its router shows "not found"); other methods are 404.
      ['GET', '/webhooks/definitely/not/here?x=1'],
      ['POST', '/definitely/not/here?x=1'],
    ] as const) {
      const res = await app.http!.inject({ method, url });
      expect(res.statusCode, url).toBe(404);
      expectErrorShape(res);
      expect(res.json().error.code).toBe('not_found');
    }
  });
});

describe('global API rate limit', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ env: { API_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await limited.stop();
  });

  it('answers 429 with Retry-After once a caller spends the per-minute limit', async () => {
    const { token: t } = await limited.userWithRole('agent');
    const me = () => limited.http!.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(t) });
    for (let i = 0; i < 3; i++) expect((await me()).statusCode).toBe(200);
    const res = await me();
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectErrorShape(res);
  });

  it('limits anonymous callers per address, and leaves health checks alone', async () => {
    const anon = () =>
      limited.http!.inject({ method: 'GET', url: '/api/v1/auth/me', remoteAddress: '10.7.7.7' });
    for (let i = 0; i < 3; i++) expect((await anon()).statusCode).toBe(401);
    expect((await anon()).statusCode).toBe(429);
    const other = await limited.http!.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      remoteAddress: '10.7.7.8',
    });
    expect(other.statusCode).toBe(401);
    for (let i = 0; i < 5; i++)
      expect(
        (await limited.http!.inject({ method: 'GET', url: '/health', remoteAddress: '10.7.7.7' })).statusCode,
      ).toBe(200);
  });
});
