import { Type } from 'typebox';
import { grantedPermissions } from '../../services/permissions.ts';
import { actor, principal } from '../auth.ts';
import { presentUser } from '../presenters.ts';
import { errorResponses, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Email = Type.String({ format: 'email', maxLength: 320 });
const Password = Type.String({ minLength: 8, maxLength: 200 });
const SessionBody = Type.Object({ token: Type.String(), expiresAt: Type.String(), user: Type.Any() });

/** Sign-in, sign-out, the current user, login links and first-run setup. */
export async function authRoutes(app: Http, { services }: HttpDeps) {
  const { auth, users } = services;
  const session = (s: { token: string; expiresAt: Date; user: Parameters<typeof presentUser>[0] }) => ({
    token: s.token,
    expiresAt: s.expiresAt.toISOString(),
    user: presentUser(s.user),
  });

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; returns a session token',
        security: [],
        body: Type.Object(
          { email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (req) =>
      session(await auth.login({ ...req.body, ip: req.ip, userAgent: req.headers['user-agent'] })),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      if (p.sessionId) await auth.logout(p.sessionId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'The caller: a user, or an API key',
        response: { 200: Type.Any(), ...errorResponses },
      },
    },
    async (req) => {
      const p = principal(req);
      // The caller's permissions, so a client shows only what the role may use (the server still checks every call).
      const permissions = grantedPermissions(p.role);
      return p.user
        ? { kind: 'user', user: presentUser(p.user), permissions }
        : { kind: 'api_key', apiKey: { id: p.id, name: p.name, role: p.role }, permissions };
    },
  );

  app.patch(
    '/api/v1/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Change my own profile: name, language, time zone, password',
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            locale: Type.Optional(Type.Union([Type.Literal('ru'), Type.Literal('en')])),
            timezone: Type.Optional(Type.String({ maxLength: 64 })),
            password: Type.Optional(Password),
            currentPassword: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...errorResponses },
      },
    },
    async (req) => {
      const p = principal(req);
      const { currentPassword, ...patch } = req.body;
      const updated = await users.updateOwnProfile(p, actor(req), patch, currentPassword);
      return presentUser(updated);
    },
  );

  app.post(
    '/api/v1/auth/login-links',
    {
      config: { access: 'users:write' },
      schema: {
        tags: ['auth'],
        summary: 'Create a short-lived single-use login link for a user (admins)',
        body: Type.Object({ userId: Uuid }, { additionalProperties: false }),
        response: {
          201: Type.Object({ token: Type.String(), url: Type.String(), expiresAt: Type.String() }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const link = await auth.createLoginLink(principal(req), actor(req), req.body.userId);
      return reply
        .status(201)
        .send({ token: link.token, url: link.url, expiresAt: link.expiresAt.toISOString() });
    },
  );

  app.post(
    '/api/v1/auth/login-token',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Exchange a login link token for a session',
        security: [],
        body: Type.Object(
          { token: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (req) => session(await auth.exchangeLoginToken(req.body.token, req.ip, req.headers['user-agent'])),
  );

  app.post(
    '/api/v1/auth/setup',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'First run: create the first owner with the setup token printed at start-up',
        security: [],
        body: Type.Object(
          {
            token: Type.String({ minLength: 1, maxLength: 200 }),
            email: Email,
            password: Password,
            displayName: Type.String({ minLength: 1, maxLength: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (req) => session(await auth.completeSetup(req.body, req.ip)),
  );
}
