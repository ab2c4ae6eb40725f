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
function bearerOf(req: FastifyRequest): string | null {
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
 * Then per request: authenticate, rate-limit, check the permission.
 */
export function registerAuth(app: Http, deps: HttpDeps): void {
  const { auth } = deps.services;
  const { config } = deps.services.ctx;
  const buckets = new TokenBuckets(systemClock);
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const isDocs = route.url.startsWith('/api/docs');
    if (isDocs) route.config = { ...(route.config ?? {}), access: 'public' } as never;
    if (!(route.config as { access?: Access } | undefined)?.access) {
      throw new Error(`route ${route.method} ${route.url} has no config.access`);
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
