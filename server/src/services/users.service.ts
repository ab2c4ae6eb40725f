import { verify } from '@node-rs/argon2';
import type { Role, User } from '../db/schema.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import { hashPassword, type Principal } from './auth.service.ts';
import { isTimezone } from './contact-fields.ts';
import { inTransaction, type ServiceContext } from './context.ts';

export interface UserInput {
  email: string;
  displayName: string;
  password?: string;
  role: Role;
  locale?: 'ru' | 'en';
  timezone?: string;
}

export interface UserPatch {
  email?: string;
  displayName?: string;
  password?: string;
  role?: Role;
  locale?: 'ru' | 'en';
  timezone?: string;
  active?: boolean;
}

/** What the audit log keeps of a user: never the password hash. */
function auditView(u: User) {
  return {
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    active: u.active,
    locale: u.locale,
    timezone: u.timezone,
  };
}

/** Team accounts: only owners may create, change or remove owners; the last active owner stays. */
export class UsersService {
  constructor(private readonly ctx: ServiceContext) {}

  list(opts: { limit: number; after?: string; role?: Role; active?: boolean }) {
    return this.ctx.repos.users.getMany(opts);
  }

  async get(id: string): Promise<User> {
    const u = await this.ctx.repos.users.get(id);
    if (!u) throw new NotFoundError('User', id);
    return u;
  }

  async create(by: Principal, actor: Actor, input: UserInput): Promise<User> {
    if (input.role === 'owner' && by.role !== 'owner')
      throw new ForbiddenError('Only an owner can create another owner');
    if (input.timezone && !isTimezone(input.timezone)) {
      throw new ValidationError('Unknown time zone', [
        { path: '/timezone', message: 'not an IANA time zone' },
      ]);
    }
    return inTransaction(this.ctx, async (r) => {
      if (await r.users.getByEmail(input.email)) {
        throw new ConflictError('A user with this email exists', [
          { path: '/email', message: 'already taken' },
        ]);
      }
      const user = await r.users.create({
        email: input.email.toLowerCase(),
        displayName: input.displayName,
        passwordHash: input.password ? await hashPassword(input.password) : null,
        role: input.role,
        locale: input.locale,
        timezone: input.timezone,
      });
      await r.audit.record(actor, {
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        after: auditView(user),
      });
      return user;
    });
  }

  async update(by: Principal, actor: Actor, id: string, patch: UserPatch): Promise<User> {
    if (patch.timezone && !isTimezone(patch.timezone)) {
      throw new ValidationError('Unknown time zone', [
        { path: '/timezone', message: 'not an IANA time zone' },
      ]);
    }
    return inTransaction(this.ctx, async (r) => {
      const owners = await r.users.lockActiveOwners();
      const before = await r.users.get(id);
      if (!before) throw new NotFoundError('User', id);
      const touchesOwner = before.role === 'owner' || patch.role === 'owner';
      if (touchesOwner && by.role !== 'owner' && by.id !== id)
        throw new ForbiddenError('Only an owner can change an owner');
      if (patch.role === 'owner' && by.role !== 'owner')
        throw new ForbiddenError('Only an owner can grant the owner role');
      const losesOwner =
        before.role === 'owner' &&
        before.active &&
        ((patch.role && patch.role !== 'owner') || patch.active === false);
      if (losesOwner && owners.length <= 1) {
        throw new ConflictError('The last owner cannot be demoted or deactivated', [
          { path: patch.role ? '/role' : '/active', message: 'last owner' },
        ]);
      }
      if (patch.email && patch.email.toLowerCase() !== before.email) {
        const other = await r.users.getByEmail(patch.email);
        if (other && other.id !== id)
          throw new ConflictError('A user with this email exists', [
            { path: '/email', message: 'already taken' },
          ]);
      }
      const { password, ...rest } = patch;
      const after = await r.users.update(id, {
        ...rest,
        ...(rest.email ? { email: rest.email.toLowerCase() } : {}),
        ...(password ? { passwordHash: await hashPassword(password) } : {}),
      });
      if (patch.active === false || password) {
        // Deactivation and password changes end other sessions (the caller's own session survives its own change).
        await r.credentials.deleteSessionsOfUser(id, by.id === id ? by.sessionId : undefined);
      }
      await r.audit.record(actor, {
        action: 'user.updated',
        entityType: 'user',
        entityId: id,
        before: auditView(before),
        after: { ...auditView(after!), ...(password ? { passwordChanged: true } : {}) },
      });
      return after!;
    });
  }

  /** A signed-in user changes their own profile; a new password needs the current one. */
  async updateOwnProfile(
    by: Principal,
    actor: Actor,
    patch: Pick<UserPatch, 'displayName' | 'locale' | 'timezone' | 'password'>,
    currentPassword?: string,
  ): Promise<User> {
    if (!by.user) throw new ForbiddenError('API keys have no profile');
    if (patch.password) {
      const ok =
        by.user.passwordHash && currentPassword
          ? await verify(by.user.passwordHash, currentPassword).catch(() => false)
          : false;
      if (!ok)
        throw new ValidationError('The current password is wrong', [
          { path: '/currentPassword', message: 'does not match' },
        ]);
    }
    return this.update(by, actor, by.id, patch);
  }

  async delete(by: Principal, actor: Actor, id: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      const owners = await r.users.lockActiveOwners();
      const before = await r.users.get(id);
      if (!before) throw new NotFoundError('User', id);
      if (before.role === 'owner' && by.role !== 'owner')
        throw new ForbiddenError('Only an owner can remove an owner');
      if (before.role === 'owner' && before.active && owners.length <= 1) {
        throw new ConflictError('The last owner cannot be removed');
      }
      await r.users.delete(id);
      await r.audit.record(actor, {
        action: 'user.deleted',
        entityType: 'user',
        entityId: id,
        before: auditView(before),
      });
    });
  }
}
