import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForPath, WEB_NOT_BUILT_PAGE, webAppRoutesFor } from '../../src/http/routes/web-app.routes.ts';
import type { Http, HttpDeps } from '../../src/http/server.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Serving the built operator app: files, the SPA fallback, and the server's own paths left alone. */

let dist: string;
let web: ReturnType<typeof Fastify>;

async function serverFor(dir: string) {
  const app = Fastify();
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ error: { code: 'not_found' } }));
  await app.register(async (scope) => webAppRoutesFor(dir)(scope as unknown as Http, {} as HttpDeps));
  return app;
}

beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'switchboard-web-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(dist, 'manifest.webmanifest'), '{}');
  await writeFile(path.join(os.tmpdir(), 'outside-web-root.txt'), 'secret');
  web = await serverFor(dist);
});
afterAll(async () => {
  await web.close();
  await rm(dist, { recursive: true, force: true });
});

describe('web app serving', () => {
  it('answers the app page at / and at every app path, revalidated and with a strict CSP', async () => {
    for (const url of ['/', '/inbox', '/inbox/7f6c0f8e-1', '/settings/channels?x=1']) {
      const res = await web.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('serves built files with their type; hashed assets are cached for good', async () => {
    const asset = await web.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.body).toBe('console.log(1)');
    const manifest = await web.inject({ method: 'GET', url: '/manifest.webmanifest' });
    expect(manifest.headers['content-type']).toBe('application/manifest+json');
    expect(manifest.headers['cache-control']).toBe('no-cache');
  });

  it('answers 404, not the app page, for a missing file and for unknown server paths', async () => {
    for (const url of [
      '/assets/index-old.js',
      '/api/v1/nothing',
      '/api',
      '/webhooks/x',
      '/r/abc',
      '/p/x',
      '/metrics2',
    ]) {
      const res = await web.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/json');
    }
  });

  it('never serves a file outside its folder', async () => {
    expect(fileForPath(dist, '/../outside-web-root.txt')).toBe(path.join(dist, 'outside-web-root.txt'));
    expect(fileForPath(dist, '/%2e%2e/%2e%2e/etc/passwd')).toBe(path.join(dist, 'etc/passwd'));
    expect(fileForPath(dist, '/a%00b')).toBeNull();
    expect(fileForPath(dist, '/%E0%A4%A')).toBeNull();
    const res = await web.inject({ method: 'GET', url: '/..%2foutside-web-root.txt' });
    expect(res.body).not.toContain('secret');
  });

  it('explains how to build the app when it was never built, instead of failing', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'switchboard-noweb-'));
    const bare = await serverFor(path.join(empty, 'dist'));
    const res = await bare.inject({ method: 'GET', url: '/inbox' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toBe(WEB_NOT_BUILT_PAGE);
    expect(res.body).toContain('npm run build:web');
    await bare.close();
    await rm(empty, { recursive: true, force: true });
  });
});

describe('web app inside Switchboard', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('leaves the server routes and the API 404 as they were', async () => {
    expect((await app.http!.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const setup = await app.http!.inject({ method: 'GET', url: '/setup' });
    expect(setup.body).toContain('/api/v1/auth/setup');
    const unknown = await app.http!.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    const docs = await app.http!.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('answers an app path with the app page, or with the build instructions', async () => {
    const res = await app.http!.inject({ method: 'GET', url: '/inbox' });
    expect([200, 503]).toContain(res.statusCode);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain(res.statusCode === 200 ? '<div id="root">' : 'npm run build:web');
  });
});
