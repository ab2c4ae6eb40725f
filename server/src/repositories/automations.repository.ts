import { type Selectable, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { AutomationsTable } from '../db/schema.automations.ts';
import type {
  AutomationAction,
  AutomationConditions,
  AutomationTrigger,
} from '../services/automations/types.ts';

/** A stored rule. */
export type Automation = Selectable<AutomationsTable>;

/** What a save writes (already validated). */
export interface AutomationWrite {
  name: string;
  description: string | null;
  enabled: boolean;
  trigger: AutomationTrigger;
  conditions: AutomationConditions;
  actions: AutomationAction[];
}

/** Automation rules. Trigger matching reads only enabled rules (partial index automations_enabled_trigger_idx). */
export class AutomationsRepository {
  constructor(private readonly db: DbOrTx) {}

  get(id: string): Promise<Automation | undefined> {
    return this.db.selectFrom('automations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Every rule with its run counts per status and its newest run's time (the list page). */
  list(): Promise<Array<Automation & { runCounts: Record<string, number> }>> {
    return this.db
      .selectFrom('automations as a')
      .selectAll('a')
      .select(
        sql<Record<string, number>>`coalesce((select jsonb_object_agg(s.status, s.n) from
          (select status, count(*)::int as n from automation_runs r where r.automation_id = a.id group by status) s),
          '{}'::jsonb)`.as('runCounts'),
      )
      .orderBy('a.name')
      .orderBy('a.id')
      .execute();
  }

  create(w: AutomationWrite & { builtinKey?: string | null }): Promise<Automation> {
    return this.db
      .insertInto('automations')
      .values({
        name: w.name,
        description: w.description,
        enabled: w.enabled,
        trigger: JSON.stringify(w.trigger),
        conditions: JSON.stringify(w.conditions),
        actions: JSON.stringify(w.actions),
        builtinKey: w.builtinKey ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: string, w: Partial<AutomationWrite>): Promise<Automation | undefined> {
    return this.db
      .updateTable('automations')
      .set({
        ...(w.name !== undefined ? { name: w.name } : {}),
        ...(w.description !== undefined ? { description: w.description } : {}),
        ...(w.enabled !== undefined ? { enabled: w.enabled } : {}),
        ...(w.trigger !== undefined ? { trigger: JSON.stringify(w.trigger) } : {}),
        ...(w.conditions !== undefined ? { conditions: JSON.stringify(w.conditions) } : {}),
        ...(w.actions !== undefined ? { actions: JSON.stringify(w.actions) } : {}),
        updatedAt: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('automations').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  /** Enabled `event` rules for any of these event names. */
  enabledForEvents(names: string[]): Promise<Automation[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('automations')
      .selectAll()
      .where('enabled', '=', true)
      .where(sql<boolean>`trigger ->> 'kind' = 'event'`)
      .where(sql<boolean>`trigger ->> 'event' = any(${sql.val([...new Set(names)])}::text[])`)
      .execute();
  }

  /** Whether any enabled `event` rule listens to one of these names (the cheap check before queueing a match job). */
  async anyEnabledForEvents(names: string[]): Promise<boolean> {
    if (names.length === 0) return false;
    const row = await sql<{ one: number }>`select 1 as one from automations
      where enabled and trigger ->> 'kind' = 'event' and trigger ->> 'event' = any(${sql.val([...new Set(names)])}::text[])
      limit 1`.execute(this.db);
    return row.rows.length > 0;
  }

  /** Enabled rules of one trigger kind (`conversation`, `schedule`…). */
  enabledOfKind(kind: AutomationTrigger['kind']): Promise<Automation[]> {
    return this.db
      .selectFrom('automations')
      .selectAll()
      .where('enabled', '=', true)
      .where(sql<boolean>`trigger ->> 'kind' = ${kind}`)
      .execute();
  }

  /**
   * Marks that runs started (the list's "last run"), to the minute: a rule starting hundreds of runs a second would
   * otherwise serialise every run start on its one row lock; rows already marked within the minute are not touched.
   */
  async touchLastRun(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('automations')
      .set({ lastRunAt: at })
      .where('id', 'in', [...new Set(ids)].sort())
      .where(sql<boolean>`(last_run_at is null or last_run_at < ${at}::timestamptz - interval '1 minute')`)
      .execute();
  }
}
