import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { ProcessRole } from '../../src/app.ts';
import type { FakeClock } from '../support/fake-clock.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
export type Json = Record<string, any>;

const SYSTEM = { type: 'system' as const, id: null, name: 'test' };
let serial = 0;

/** An app (optionally on a fake clock or an existing database) with an admin API key and the calls automation tests make. */
export class AutomationWorld {
  private constructor(
    readonly app: TestApp,
    readonly token: string,
  ) {}

  static async start(
    opts: { clock?: FakeClock; databaseUrl?: string; env?: Record<string, string>; role?: ProcessRole } = {},
  ) {
    const app = await startTestApp({
      clock: opts.clock,
      databaseUrl: opts.databaseUrl,
      env: opts.env,
      role: opts.role,
    });
    // Quiet hours off: marketing notifications would otherwise wait for the morning and tests depend on the hour.
    await app.services.ctx.repos.settings.set('notification_quiet_hours', null, null);
    return new AutomationWorld(app, await app.apiKeyWithRole('admin'));
  }

  get services() {
    return this.app.services;
  }
  get repos() {
    return this.app.services.ctx.repos;
  }
  get db() {
    return this.app.services.ctx.db;
  }

  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, token = this.token) {
    return this.app.http!.inject({
      method,
      url,
      headers: bearer(token),
      ...(payload !== undefined ? { payload: payload as Json } : {}),
    }) as Promise<LightMyRequestResponse>;
  }

  /** POST /api/v1/automations expecting 201. */
  async rule(body: Json): Promise<Json> {
    const res = await this.call('POST', '/api/v1/automations', { enabled: true, ...body });
    if (res.statusCode !== 201) throw new Error(`rule: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  async contact(over: { timezone?: string; tags?: string[]; language?: string } = {}): Promise<string> {
    serial += 1;
    const c = await this.repos.contacts.create({
      firstName: `Anna${serial}`,
      language: over.language ?? 'en',
      timezone: over.timezone ?? null,
      ...(over.tags ? { tags: over.tags } : {}),
    });
    return c.id;
  }

  /** Records an event through the events service (the API's path). */
  async event(contactId: string, name: string, properties: Json = {}, occurredAt?: Date): Promise<string> {
    const r = await this.services.events.recordOne({
      contact: { id: contactId },
      name,
      properties,
      ...(occurredAt ? { occurredAt: occurredAt.toISOString() } : {}),
    });
    return r.event.id;
  }

  /** A transactional notification type with a Telegram template, so delivery needs no quiet-hours care. */
  async notificationType(key: string, body: string): Promise<void> {
    const t = await this.services.templates.create(SYSTEM, {
      name: `${key} template`,
      body,
      format: 'telegram_html',
    });
    await this.services.notificationTypes.create(SYSTEM, {
      key,
      name: key,
      category: 'transactional',
      channels: ['telegram'],
      templates: { telegram: t.id },
    });
  }

  runs(automationId: string) {
    return this.db
      .selectFrom('automationRuns')
      .selectAll()
      .where('automationId', '=', automationId)
      .orderBy('id')
      .execute();
  }

  notificationsOf(contactId: string) {
    return this.db.selectFrom('notifications').selectAll().where('contactId', '=', contactId).execute();
  }

  async count(table: string): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(this.db);
    return r.rows[0]!.n;
  }

  async jobCount(task: string): Promise<number> {
    const r = await sql<{
      n: number;
    }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = ${task}`.execute(this.db);
    return r.rows[0]!.n;
  }

  stop() {
    return this.app.stop();
  }
}
