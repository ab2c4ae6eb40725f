import type { FastifyRequest } from 'fastify';
import { systemClock } from '../lib/clock.ts';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../lib/errors.ts';
import { TokenBuckets } from '../lib/token-bucket.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import { actorOf, type Principal } from '../services/auth.service.ts';
import { can, type Permission } from '../services/permissions.ts';
import type { Http, HttpDeps } from './server.ts';

/** Who may call a route: anyone, any signed-in caller, or holders of one permission. */
export type Access = 'public' | 'authenticated' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** One registered route and who may call it; the access test walks every one of these. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
  /** Left out of the OpenAPI document (`schema.hide`). */
  hidden: boolean;
}

const routeTables = new WeakMap<object, RouteAccess[]>();

/** Every route of an app with its declared access, in registration order. */
export function routeAccessTable(app: Http): readonly RouteAccess[] {
  return routeTables.get(app) ?? [];
}

/** The caller of an authenticated route (the auth hook has already refused anonymous calls). */
export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new UnauthorizedError();
  return req.principal;
}

/** The audit actor of a request. */
export function actor(req: FastifyRequest): Actor {
  return actorOf(principal(req), req.ip, req.id);
}

/** The bearer credential: `Authorization: Bearer …`, or `?token=` on the WebSocket upgrade only (browsers cannot set headers there). */
export function bearerOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  if (req.routeOptions.config.access && req.headers.upgrade === 'websocket') {
    const t = (req.query as Record<string, unknown> | undefined)?.token;
    if (typeof t === 'string') return t;
  }
  return null;
}

/**
 * Every route declares `config.access`; a route without it fails at start-up, so no route ships unguarded.
 * Must run before any plugin that adds routes (the docs UI), or those routes escape the check.
 * Then per request: authenticate, rate-limit, check the permission.
 */
export function registerAuth(app: Http, deps: HttpDeps): void {
  const { auth } = deps.services;
  const { config } = deps.services.ctx;
  const buckets = new TokenBuckets(systemClock);
  app.decorateRequest('principal', null);

  const table: RouteAccess[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    const isDocs = route.url.startsWith('/api/docs');
    if (isDocs) route.config = { ...(route.config ?? {}), access: 'public' } as never;
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} has no config.access`);
    for (const method of [route.method].flat()) {
      table.push({
        method,
        url: route.url,
        access,
        // Read late: plugins' onRoute hooks after this one may still hide the route (websocket routes).
        get hidden() {
          return Boolean((route.schema as { hide?: boolean } | undefined)?.hide);
        },
      });
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config.access;
    if (!access) return; // 404s
    const bearer = bearerOf(req);
    req.principal = bearer ? await auth.authenticate(bearer) : null;
    if (bearer && !req.principal && access !== 'public')
      throw new UnauthorizedError('Invalid or expired token');

    const key = req.principal ? `${req.principal.kind}:${req.principal.id}` : `ip:${req.ip}`;
    const limit = req.principal?.rateLimitPerMinute ?? config.apiRateLimitPerMinute;
    if (req.url.startsWith('/api/')) {
      const wait = buckets.take(key, limit);
      if (wait > 0)
        throw new TooManyRequestsError(`Rate limit of ${limit} requests per minute exceeded`, wait);
    }
    if (access === 'public') return;
    if (!req.principal) throw new UnauthorizedError();
    if (access !== 'authenticated' && !can(req.principal.role, access)) {
      throw new ForbiddenError(`Your role (${req.principal.role}) cannot ${access.replace(':', ' ')}`);
    }
    void reply;
  });
}
