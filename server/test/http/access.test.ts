import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role, User } from '../../src/db/schema.ts';
import { type RouteAccess, registerAuth, routeAccessTable } from '../../src/http/auth.ts';
import type { Http, HttpDeps } from '../../src/http/server.ts';
import { can, type Permission, RESOURCES, ROLES } from '../../src/services/permissions.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
let routes: readonly RouteAccess[];
const users = new Map<Role, User>();
const keys = new Map<Role, string>();

beforeAll(async () => {
  app = await startTestApp();
  routes = routeAccessTable(app.http!);
  for (const role of ROLES) {
    users.set(role, (await app.userWithRole(role)).user);
    keys.set(role, await app.apiKeyWithRole(role));
  }
});
afterAll(async () => {
  await app.stop();
});

const isPermission = (access: string): access is Permission =>
  /^[a-z_]+:(read|write)$/.test(access) && (RESOURCES as readonly string[]).includes(access.split(':')[0]!);

/** A concrete URL for a route pattern: a random uuid for every `:param`, a word for a wildcard. */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, () => randomUUID()).replace(/\*$/, 'x');

const key = (r: RouteAccess) => `${r.method} ${r.url}`;
/** Every route called at least once, checked against the collected table at the end. */
const walked = new Set<string>();

/** Calls a route with a minimal body; only the status matters here. */
async function call(route: RouteAccess, headers: Record<string, string> = {}) {
  walked.add(key(route));
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
  const res = await app.http!.inject({
    method: route.method as 'GET',
    url: concrete(route.url),
    headers,
    ...(hasBody ? { payload: {} } : {}),
  });
  return res.statusCode;
}

/** `METHOD path` of every route Fastify itself knows, read from its route tree. */
function fastifyRoutes(http: Http): Set<string> {
  const found = new Set<string>();
  const stack: string[] = [];
  for (const line of http.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    stack.push(m[2]!);
    for (const method of m[3]?.split(', ') ?? []) found.add(`${method} ${stack.join('')}`);
  }
  return found;
}

describe('route access', () => {
  it('refuses at start-up to register a route that declares no access', async () => {
    const bare = Fastify() as unknown as Http;
    registerAuth(bare, { services: app.services } as HttpDeps);
    expect(() => bare.get('/unguarded', async () => 'open')).toThrow(/has no config.access/);
    await bare.close();
  });

  it('collects every route Fastify serves, each with a valid access declaration', () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes) {
      expect(
        r.access === 'public' || r.access === 'authenticated' || isPermission(r.access),
        `${r.method} ${r.url}`,
      ).toBe(true);
    }
    const collected = new Set(routes.map((r) => `${r.method} ${r.url}`));
    const served = fastifyRoutes(app.http!);
    // Fastify serves a prefixed `/` route at both `/prefix` and `/prefix/` from one registration.
    const twins = [...served].filter((s) => !collected.has(s) && collected.has(s.replace(/\/$/, '')));
    expect(served.size).toBe(collected.size + twins.length);
    // The route tree prints wildcards under a shortened prefix, so those are only counted above.
    for (const s of served) if (!s.includes('*')) expect(collected.has(s) || twins.includes(s), s).toBe(true);
  });

  // About 250 routes × 5 roles × 2 credentials: the roles of one route are called together to keep the file quick.
  it('answers 403 exactly when the role lacks the permission, for sessions and API keys of every role', {
    timeout: 120_000,
  }, async () => {
    let walked = 0;
    const permissionRoutes = routes.filter((r) => isPermission(r.access));
    for (const route of permissionRoutes) {
      const permission = route.access as Permission;
      await Promise.all(
        ROLES.map(async (role) => {
          // A fresh session per call: a route may end the session it is called with.
          const { token } = await app.services.auth.startSession(users.get(role)!);
          for (const [kind, credential] of [
            ['session', token],
            ['api key', keys.get(role)!],
          ] as const) {
            const status = await call(route, bearer(credential));
            const where = `${route.method} ${route.url} as ${role} ${kind}: ${status}`;
            if (can(role, permission)) expect([401, 403], where).not.toContain(status);
            else expect(status, where).toBe(403);
          }
        }),
      );
      walked += 1;
    }
    expect(walked).toBe(permissionRoutes.length);
    expect(permissionRoutes.length).toBeGreaterThan(15);
  });

  it('lets every role through routes that only need a signed-in caller', async () => {
    let walked = 0;
    const signedIn = routes.filter((r) => r.access === 'authenticated');
    for (const route of signedIn) {
      for (const role of ROLES) {
        const { token } = await app.services.auth.startSession(users.get(role)!);
        const asUser = await call(route, bearer(token));
        expect([401, 403], `${route.method} ${route.url} as ${role}: ${asUser}`).not.toContain(asUser);
        // API keys are callers too, though some of these (own profile) are about people and refuse them with 403.
        const asKey = await call(route, bearer(keys.get(role)!));
        expect(asKey, `${route.method} ${route.url} as ${role} key`).not.toBe(401);
      }
      walked += 1;
    }
    expect(walked).toBe(signedIn.length);
    expect(walked).toBeGreaterThan(0);
  });

  it('answers 401 on every non-public route without credentials and with a bad token', async () => {
    let walked = 0;
    const guarded = routes.filter((r) => r.access !== 'public');
    for (const route of guarded) {
      const where = `${route.method} ${route.url}`;
      expect(await call(route), where).toBe(401);
      expect(await call(route, bearer('sbs_not-a-real-token')), where).toBe(401);
      expect(await call(route, bearer('sbk_not-a-real-key')), where).toBe(401);
      expect(await call(route, { authorization: 'Basic b3duZXI6cGFzcw==' }), where).toBe(401);
      walked += 1;
    }
    expect(walked).toBe(guarded.length);
  });

  it('never asks for credentials on public routes', async () => {
    const open = routes.filter((r) => r.access === 'public');
    for (const route of open) {
      const status = await call(route);
      expect([401, 403], `${route.method} ${route.url}: ${status}`).not.toContain(status);
    }
    expect(open.length + routes.filter((r) => r.access !== 'public').length).toBe(routes.length);
  });

  it('has walked every collected route', () => {
    const all = new Set(routes.map(key));
    expect([...all].filter((k) => !walked.has(k))).toEqual([]);
    expect(walked.size).toBe(all.size);
  });

  it('lists every visible route in the OpenAPI document with {param} paths', async () => {
    const res = await app.http!.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths as Record<string, Record<string, unknown>>;
    // Fastify answers HEAD for every GET on its own; the document describes the GETs.
    const visible = routes.filter((r) => !r.hidden && r.method !== 'HEAD');
    expect(visible.length).toBeGreaterThan(20);
    for (const r of visible) {
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeDefined();
    }
    const documented = Object.values(paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(documented).toBe(visible.length);
  });
});
