import type { Db } from '../db/database.ts';
import type { NotificationType } from '../db/schema.ts';
import type { ServiceContext } from './context.ts';

/**
 * Notification types by key for the trigger API, which needs its type on every call. Per process and per database:
 * NotificationTypesService clears it after each write it commits, so this process sees its own changes at once; other
 * processes see them within TTL_MS (unknown keys are not kept). The staleness is bounded and harmless: the delivery job reads the type again when it
 * runs (disabled or deleted types are skipped or failed there), and a type deleted elsewhere makes the insert's foreign
 * key refuse the call as an unknown type.
 */
const TTL_MS = 5_000;

interface Entry {
  type: NotificationType;
  until: number;
}

class NotificationTypeCache {
  private readonly byKey = new Map<string, Entry>();
  // Bumped by every clear: a read that started before a write committed must not store what it found.
  private generation = 0;

  async getByKey(ctx: ServiceContext, key: string): Promise<NotificationType | undefined> {
    const now = Date.now();
    const hit = this.byKey.get(key);
    if (hit && hit.until > now) return hit.type;
    const generation = this.generation;
    const type = await ctx.repos.notificationTypes.getByKey(key);
    // A miss is not kept: a type just created elsewhere must be usable at once.
    if (type && generation === this.generation) this.byKey.set(key, { type, until: now + TTL_MS });
    return type;
  }

  clear(): void {
    this.generation++;
    this.byKey.clear();
  }
}

// Keyed by the database handle, so two apps in one process (tests) never share entries.
const caches = new WeakMap<Db, NotificationTypeCache>();

/** The type cache of this context's database. */
export function notificationTypeCache(ctx: ServiceContext): NotificationTypeCache {
  let cache = caches.get(ctx.db);
  if (!cache) {
    cache = new NotificationTypeCache();
    caches.set(ctx.db, cache);
  }
  return cache;
}
