import { type RawBuilder, type Selectable, type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { AutomationRunsTable, RunLogEntry } from '../db/schema.automations.ts';
import type { RunStart, RunStatus } from '../services/automations/types.ts';

/** A stored run. */
export type AutomationRun = Selectable<AutomationRunsTable>;

/** How a step leaves the run. */
export interface RunAdvance {
  status: RunStatus;
  step: number;
  entry: RunLogEntry;
  /** Merged into the run's context (top-level keys). */
  context?: Record<string, unknown>;
  wakeAt?: Date | null;
  error?: string | null;
}

/** Automation runs: the one-per-occurrence insert, the step state machine's writes, the run logs. */
export class AutomationRunsRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * Starts a run unless one exists for (rule, occurrence): `on conflict do nothing` on the unique key decides between
   * concurrent starters in any process. Returns the new run's id, or null when the occurrence already had its run.
   */
  async start(run: RunStart): Promise<number | null> {
    const row = await this.db
      .insertInto('automationRuns')
      .values({
        automationId: run.automationId,
        contactId: run.contactId,
        conversationId: run.conversationId ?? null,
        occurrenceKey: run.occurrenceKey,
        context: JSON.stringify(run.context),
      })
      .onConflict((oc) => oc.columns(['automationId', 'occurrenceKey']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row ? row.id : null;
  }

  get(id: number | string): Promise<AutomationRun | undefined> {
    return this.db.selectFrom('automationRuns').selectAll().where('id', '=', Number(id)).executeTakeFirst();
  }

  /** The run locked for its step: one step of one run at a time, whichever job or process holds it. */
  getForUpdate(id: number | string): Promise<AutomationRun | undefined> {
    return this.db
      .selectFrom('automationRuns')
      .selectAll()
      .where('id', '=', Number(id))
      .forUpdate()
      .executeTakeFirst();
  }

  /** Writes a step's outcome: status, next step, one log entry, context additions, wake time. */
  async advance(id: number, a: RunAdvance): Promise<void> {
    await this.db
      .updateTable('automationRuns')
      .set({
        status: a.status,
        step: a.step,
        log: sql`log || ${JSON.stringify([a.entry])}::jsonb`,
        ...(a.context ? { context: sql`context || ${JSON.stringify(a.context)}::jsonb` } : {}),
        wakeAt: a.wakeAt ?? null,
        ...(a.error !== undefined ? { error: a.error } : {}),
        updatedAt: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** A page of runs, newest first, of one rule or one contact, optionally of some statuses. */
  list(opts: {
    automationId?: string;
    contactId?: string;
    status?: RunStatus[];
    limit: number;
    beforeId?: number;
  }): Promise<Array<AutomationRun & { automationName: string }>> {
    let q = this.db
      .selectFrom('automationRuns as r')
      .innerJoin('automations as a', 'a.id', 'r.automationId')
      .selectAll('r')
      .select('a.name as automationName')
      .orderBy('r.id', 'desc')
      .limit(opts.limit);
    if (opts.automationId) q = q.where('r.automationId', '=', opts.automationId);
    if (opts.contactId) q = q.where('r.contactId', '=', opts.contactId);
    if (opts.status?.length) q = q.where('r.status', 'in', opts.status);
    if (opts.beforeId !== undefined) q = q.where('r.id', '<', opts.beforeId);
    return q.execute();
  }

  /** Waiting runs whose time has come (the wake sweep; partial index automation_runs_wake_idx). */
  async dueWaiting(now: Date, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('automationRuns')
      .select('id')
      .where('status', '=', 'waiting')
      .where('wakeAt', '<=', now)
      .orderBy('wakeAt')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Whether the contact recorded `event` at or after `since` (optionally with `properties[property] = value`).
   * Uses the events' (contact_id, occurred_at) index; the name is matched through event_names.
   */
  async eventSince(
    contactId: string,
    event: string,
    since: Date,
    same?: { property: string; value: unknown },
  ): Promise<{ id: string; occurredAt: Date } | undefined> {
    const rows = await sql<{ id: string; occurredAt: Date }>`
      select e.id::text as id, e.occurred_at from contact_events e join event_names n on n.id = e.name_id
      where e.contact_id = ${contactId}::uuid and n.name = ${event} and e.occurred_at >= ${since}::timestamptz
      ${same ? sql`and e.properties ->> ${same.property} = ${String(same.value)}` : sql``}
      order by e.occurred_at limit 1`.execute(this.db);
    return rows.rows[0];
  }

  /** Stored events with their names (the event trigger's matching job). */
  async events(ids: string[]): Promise<
    Array<{
      id: string;
      contactId: string;
      name: string;
      occurredAt: Date;
      properties: Record<string, unknown> | null;
    }>
  > {
    if (ids.length === 0) return [];
    const rows = await sql<{
      id: string;
      contactId: string;
      name: string;
      occurredAt: Date;
      properties: Record<string, unknown> | null;
    }>`select e.id::text as id, e.contact_id, n.name, e.occurred_at, e.properties
      from contact_events e join event_names n on n.id = e.name_id
      where e.id = any(${sql.val(ids)}::bigint[]) order by e.id`.execute(this.db);
    return rows.rows;
  }

  /** Whether the contact matches a compiled segment expression (the run's contact conditions). */
  async contactMatches(contactId: string, where: RawBuilder<SqlBool>): Promise<boolean> {
    const rows = await sql<{
      ok: boolean;
    }>`select exists (select 1 from contacts where contacts.id = ${contactId}::uuid
      and ${where}) as ok`.execute(this.db);
    return rows.rows[0]?.ok === true;
  }

  /** Merges attributes into a contact's custom attributes (the set_attribute action). */
  async setContactAttribute(contactId: string, key: string, value: unknown): Promise<boolean> {
    const r =
      await sql`update contacts set attributes = attributes || jsonb_build_object(${key}::text, ${JSON.stringify(
        value,
      )}::jsonb), updated_at = now() where id = ${contactId}::uuid`.execute(this.db);
    return Number(r.numAffectedRows ?? 0) > 0;
  }

  /**
   * Conversations still waiting at least `minutes` for an agent (the `waiting` trigger's sweep), with the moment they
   * started waiting (part of the occurrence key: once per waiting spell). Bounded per pass.
   */
  async waitingLongerThan(
    automationId: string,
    minutes: number,
    now: Date,
    limit: number,
    lookbackMinutes: number,
  ): Promise<Array<{ id: string; contactId: string | null; waitingSince: Date }>> {
    const rows = await sql<{ id: string; contactId: string | null; waitingSince: Date }>`
      select id, contact_id, waiting_since from conversations
      where waiting_since is not null and status in ('open', 'pending')
        and waiting_since <= ${now}::timestamptz - make_interval(mins => ${minutes}::int)
        and waiting_since > ${now}::timestamptz - make_interval(mins => ${lookbackMinutes}::int)
        and not exists (select 1 from automation_runs r where r.automation_id = ${automationId}::uuid
          and r.conversation_id = conversations.id and r.context ->> 'waitingSince' is not null
          and (r.context ->> 'waitingSince')::timestamptz = date_trunc('milliseconds', conversations.waiting_since))
      order by waiting_since limit ${limit}`.execute(this.db);
    return rows.rows;
  }
}
