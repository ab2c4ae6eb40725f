import { hash, verify } from '@node-rs/argon2';
import type { Role, User } from '../db/schema.ts';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../lib/errors.ts';
import { hashToken, newToken } from '../lib/tokens.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import { inTransaction, type ServiceContext } from './context.ts';

/** Who is calling: a signed-in user (session) or an integration (API key). */
export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
  role: Role;
  sessionId?: string;
  user?: User;
  rateLimitPerMinute: number | null;
}

/** Turns a principal plus request facts into the actor recorded in the audit log. */
export function actorOf(p: Principal, ip?: string, requestId?: string): Actor {
  return { type: p.kind, id: p.id, name: p.name, ip: ip ?? null, requestId: requestId ?? null };
}

/** Failed-login throttling per email and per address: slowed after `slowAfter` failures, refused after `lockAfter`. */
export interface LoginThrottle {
  /** Failures older than this start a new count. */
  windowSeconds: number;
  slowAfter: number;
  /** Added delay per failure beyond `slowAfter` (capped at 3 s). */
  delayStepMs: number;
  lockAfter: number;
  lockSeconds: number;
}

/** The production throttle; tests pass a faster one through StartOptions. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottle = {
  windowSeconds: 15 * 60,
  slowAfter: 3,
  delayStepMs: 250,
  lockAfter: 10,
  lockSeconds: 15 * 60,
};
const LOGIN_LINK_MINUTES = 15;
const SETUP_TOKEN_HOURS = 24;
export const API_KEY_PREFIX = 'sbk';
const SESSION_PREFIX = 'sbs';

/** Argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's baseline). */
export const hashPassword = (password: string): Promise<string> => hash(password);

// Verifying against this when the email is unknown keeps the answer time the same, so emails cannot be probed.
let dummyHash: Promise<string> | undefined;

/** Sessions, login links, first-run setup, API-key lookup and failed-login throttling. */
export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly ctx: ServiceContext) {
    this.throttle = { ...DEFAULT_LOGIN_THROTTLE, ...ctx.loginThrottle };
  }

  /** Checks a password; slows then refuses repeated failures per email and per address (429). */
  async login(input: { email: string; password: string; ip: string; userAgent?: string }) {
    const keys = [`email:${input.email.toLowerCase()}`, `ip:${input.ip}`];
    const { credentials, users } = this.ctx.repos;
    const t = this.throttle;
    const now = this.ctx.clock.now();
    let worst = 0;
    for (const key of keys) {
      const f = await credentials.getLoginFailure(key);
      if (f?.lockedUntil && new Date(f.lockedUntil) > now) {
        const retry = Math.ceil((new Date(f.lockedUntil).getTime() - now.getTime()) / 1000);
        this.ctx.log.warn({ key }, 'login refused: too many failed attempts');
        throw new TooManyRequestsError('Too many failed logins; try again later', retry);
      }
      const inWindow = f && new Date(f.firstFailedAt).getTime() > now.getTime() - t.windowSeconds * 1000;
      if (inWindow) worst = Math.max(worst, f.failures);
    }
    if (worst >= t.slowAfter) await sleep(Math.min(3000, t.delayStepMs * (worst - t.slowAfter + 1)));

    const user = await users.getByEmail(input.email);
    dummyHash ??= hashPassword('not-a-real-password');
    const ok = user?.passwordHash
      ? await verify(user.passwordHash, input.password).catch(() => false)
      : await verify(await dummyHash, input.password).then(() => false);
    if (!user || !ok || !user.active) {
      for (const key of keys) await credentials.recordLoginFailure(key, this.ctx.clock.now(), t);
      this.ctx.log.warn({ email: input.email, ip: input.ip }, 'login failed');
      throw new UnauthorizedError('Invalid email or password');
    }
    await credentials.clearLoginFailures([keys[0]!]);
    return this.startSession(user, input.ip, input.userAgent);
  }

  /** Issues a new opaque session token (only its hash is stored). */
  async startSession(user: User, ip?: string, userAgent?: string) {
    const token = newToken(SESSION_PREFIX);
    const expiresAt = new Date(this.ctx.clock.now().getTime() + this.ctx.config.sessionTtlHours * 3600_000);
    const session = await this.ctx.repos.credentials.createSession({
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt,
      ip,
      userAgent,
    });
    await this.ctx.repos.credentials.touchSession(session.id, user.id);
    return { token, expiresAt, user };
  }

  async logout(sessionId: string): Promise<void> {
    await this.ctx.repos.credentials.deleteSession(sessionId);
  }

  /** Resolves a bearer token (session or API key) to a principal, or null when it is unknown, expired or revoked. */
  async authenticate(bearer: string): Promise<Principal | null> {
    const { credentials } = this.ctx.repos;
    if (bearer.startsWith(`${API_KEY_PREFIX}_`)) {
      const key = await credentials.getLiveApiKey(hashToken(bearer));
      if (!key) return null;
      void credentials.touchApiKey(key.id).catch(() => undefined);
      return {
        kind: 'api_key',
        id: key.id,
        name: key.name,
        role: key.role,
        rateLimitPerMinute: key.rateLimitPerMinute,
      };
    }
    const s = await credentials.getSessionUser(hashToken(bearer));
    if (!s?.user.active) return null;
    // Last-used and last-seen are informative: refresh them at most once a minute, off the request's critical path.
    if (this.ctx.clock.now().getTime() - new Date(s.sessionLastUsedAt).getTime() > 60_000) {
      void credentials.touchSession(s.sessionId, s.user.id).catch(() => undefined);
    }
    return {
      kind: 'user',
      id: s.user.id,
      name: s.user.displayName,
      role: s.user.role,
      sessionId: s.sessionId,
      user: s.user,
      rateLimitPerMinute: null,
    };
  }

  /** A single-use link that signs a user in (handed out by admins, later by the Telegram admin bot). */
  async createLoginLink(by: Principal, actor: Actor, userId: string) {
    const token = newToken('sbl');
    const expiresAt = new Date(this.ctx.clock.now().getTime() + LOGIN_LINK_MINUTES * 60_000);
    await inTransaction(this.ctx, async (r) => {
      const user = await r.users.get(userId);
      if (!user?.active)
        throw new ValidationError('No active user with this id', [
          { path: '/userId', message: 'unknown or inactive user' },
        ]);
      // A link signs in as its user: handing one out for an owner is acting as that owner.
      if (user.role === 'owner' && by.role !== 'owner')
        throw new ForbiddenError('Only an owner can create a login link for an owner');
      await r.credentials.createLoginToken({
        purpose: 'login',
        userId,
        tokenHash: hashToken(token),
        expiresAt,
        createdBy: actor.type === 'user' ? actor.id : null,
      });
      await r.audit.record(actor, { action: 'login_link.created', entityType: 'user', entityId: userId });
    });
    return { token, expiresAt, url: `${this.ctx.config.publicUrl}/login?token=${encodeURIComponent(token)}` };
  }

  /** Exchanges a login link token for a session; a used or expired token is refused. */
  async exchangeLoginToken(token: string, ip?: string, userAgent?: string) {
    const row = await this.ctx.repos.credentials.consumeLoginToken(
      hashToken(token),
      'login',
      this.ctx.clock.now(),
    );
    const user = row?.userId ? await this.ctx.repos.users.get(row.userId) : undefined;
    if (!user?.active) throw new UnauthorizedError('This login link is invalid, used or expired');
    return this.startSession(user, ip, userAgent);
  }

  /**
   * First start: creates the owner from SWITCHBOARD_ADMIN_EMAIL/PASSWORD, or returns a one-time setup link.
   * Returns null when users already exist.
   */
  async bootstrap(): Promise<{ createdOwner: string } | { setupUrl: string } | null> {
    const { config } = this.ctx;
    return inTransaction(this.ctx, async (r) => {
      // Several processes may start at once: only one bootstraps.
      await r.users.lockFirstOwnerCreation();
      if ((await r.users.count()) > 0) return null;
      if (config.adminEmail && config.adminPassword) {
        const user = await r.users.create({
          email: config.adminEmail.toLowerCase(),
          displayName: config.adminEmail.split('@')[0]!,
          passwordHash: await hashPassword(config.adminPassword),
          role: 'owner',
        });
        await r.audit.record(
          { type: 'system', id: null, name: 'bootstrap' },
          {
            action: 'user.created',
            entityType: 'user',
            entityId: user.id,
            after: { email: user.email, role: 'owner' },
          },
        );
        return { createdOwner: user.email };
      }
      const token = newToken('sbsetup');
      const expiresAt = new Date(this.ctx.clock.now().getTime() + SETUP_TOKEN_HOURS * 3600_000);
      await r.credentials.createLoginToken({
        purpose: 'setup',
        userId: null,
        tokenHash: hashToken(token),
        expiresAt,
        createdBy: null,
      });
      return { setupUrl: `${config.publicUrl}/setup?token=${encodeURIComponent(token)}` };
    });
  }

  /** Completes first-run setup: creates the first owner and signs them in. Refused once any user exists. */
  async completeSetup(
    input: { token: string; email: string; password: string; displayName: string },
    ip?: string,
  ) {
    const user = await inTransaction(this.ctx, async (r) => {
      await r.users.lockFirstOwnerCreation();
      if ((await r.users.count()) > 0)
        throw new UnauthorizedError('Setup is already complete; sign in instead');
      const row = await r.credentials.consumeLoginToken(
        hashToken(input.token),
        'setup',
        this.ctx.clock.now(),
      );
      if (!row)
        throw new UnauthorizedError(
          'This setup link is invalid, used or expired; restart Switchboard for a new one',
        );
      const created = await r.users.create({
        email: input.email.toLowerCase(),
        displayName: input.displayName,
        passwordHash: await hashPassword(input.password),
        role: 'owner',
      });
      await r.audit.record(
        { type: 'user', id: created.id, name: created.displayName, ip: ip ?? null },
        {
          action: 'user.created',
          entityType: 'user',
          entityId: created.id,
          after: { email: created.email, role: 'owner' },
        },
      );
      return created;
    });
    return this.startSession(user, ip);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
