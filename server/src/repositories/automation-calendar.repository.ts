import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import { STEP_MAX_ATTEMPTS } from '../services/automations/run-start.ts';
import type { AutomationTrigger } from '../services/automations/types.ts';

/** An enabled rule a calendar pass looks at. */
export interface CalendarRule {
  id: string;
  trigger: AutomationTrigger;
  updatedAt: Date;
}

/** (since, until]: the instants a pass is responsible for. */
export interface PassWindow {
  since: Date;
  until: Date;
}

const iso = (d: Date) => d.toISOString();

/** The zones PostgreSQL knows (a contact's own zone is used only if it is one of them) and the fallback for the rest. */
export interface ZoneChoice {
  known: string[];
  fallback: string;
}

/** The contact's zone when PostgreSQL knows it, else the fallback: an unknown name must not fail the whole pass. */
const zoneOf = (z: ZoneChoice) =>
  sql`(case when c.timezone = any(${z.known}::text[]) then c.timezone else ${z.fallback}::text end)`;

/**
 * Inserts the runs a SELECT of (contact_id, occurrence_key, context) yields and queues one `automations.step` job per new
 * run, in one statement: `on conflict do nothing` on (automation_id, occurrence_key) lets concurrent passes (or a pass and
 * a retry) both try, and only the winner's row comes back to get a job. add_jobs takes the whole batch in one call, with
 * the engine's job key and attempts (services/automations/run-start.ts).
 */
function startRuns(automationId: string, rows: RawBuilder<unknown>) {
  return sql<{ started: number }>`
    with picked as (${rows}),
    started as (
      insert into automation_runs (automation_id, contact_id, occurrence_key, context, status)
      select ${automationId}::uuid, p.contact_id, p.occurrence_key, p.context, 'running' from picked p
      on conflict (automation_id, occurrence_key) do nothing
      returning id
    )
    select count(*)::int as started from graphile_worker.add_jobs(array(
      select row('automations.step', json_build_object('runId', s.id::text), null, null, ${STEP_MAX_ATTEMPTS}::int,
          'automation-run:' || s.id, null, null)
        ::graphile_worker.job_spec
      from started s
    ))`;
}

/** The calendar passes' SQL: pass bookkeeping, the set-based run starts per trigger kind, segment snapshots. */
export class AutomationCalendarRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Enabled rules with one of these trigger kinds (partial index automations_enabled_trigger_idx). */
  async enabledRules(kinds: Array<AutomationTrigger['kind']>): Promise<CalendarRule[]> {
    const { rows } = await sql<CalendarRule>`
      select id, trigger, updated_at as "updatedAt" from automations
      where enabled and trigger ->> 'kind' = any(${kinds}::text[])
      order by id`.execute(this.db);
    return rows;
  }

  /**
   * The rule's last pass, its row locked until the caller's transaction ends: a second pass of the same rule waits and
   * then sees the first one's end as its start. The first pass ever starts at `initial`.
   */
  async lockPass(automationId: string, initial: Date): Promise<{ lastPassAt: Date; first: boolean }> {
    const created = await sql`insert into automation_calendar_passes (automation_id, last_pass_at)
      values (${automationId}::uuid, ${iso(initial)}::timestamptz) on conflict do nothing returning 1`.execute(
      this.db,
    );
    const { rows } = await sql<{ lastPassAt: Date }>`
      select last_pass_at as "lastPassAt" from automation_calendar_passes
      where automation_id = ${automationId}::uuid for update`.execute(this.db);
    return { lastPassAt: rows[0]!.lastPassAt, first: created.rows.length > 0 };
  }

  async savePass(automationId: string, at: Date): Promise<void> {
    await sql`update automation_calendar_passes set last_pass_at = ${iso(at)}::timestamptz, updated_at = now()
      where automation_id = ${automationId}::uuid`.execute(this.db);
  }

  /** One run about no contact for a schedule tick (a report, a cleanup, a newsletter broadcast). */
  async startTickRun(automationId: string, occurrenceKey: string, context: object): Promise<number> {
    return this.run(
      automationId,
      sql`select null::uuid as contact_id, ${occurrenceKey}::text as occurrence_key, ${JSON.stringify(context)}::jsonb as context`,
    );
  }

  /** One run per contact of a segment for a schedule tick (occurrence `<contactId>:schedule:<tick>`). */
  async startTickRunsForSegment(
    automationId: string,
    tick: string,
    segment: RawBuilder<SqlBool>,
    context: object,
  ): Promise<number> {
    return this.run(
      automationId,
      sql`select contacts.id as contact_id, contacts.id || ':schedule:' || ${tick}::text as occurrence_key,
        ${JSON.stringify(context)}::jsonb as context
      from contacts where ${segment}`,
    );
  }

  /**
   * Birthday runs whose moment (the birthday in the contact's zone, plus offsetDays, at atLocalTime) falls in the window.
   * `monthDays` (MMDD) are the birthdays that can fire in it (contacts_birthday_md_idx reads only those); `years` the
   * birthday years that can. A 29 February birthday falls on 28 February in other years. Contacts without a known zone
   * (none, or a name PostgreSQL lacks) use `defaultZone`.
   */
  async startBirthdayRuns(
    automationId: string,
    w: PassWindow,
    q: { monthDays: number[]; years: number[]; offsetDays: number; localTime: string; zones: ZoneChoice },
  ): Promise<number> {
    const md = sql`((extract(month from c.birthday) * 100 + extract(day from c.birthday))::int)`;
    return this.run(
      automationId,
      sql`with candidates as materialized (
        select c.id, ${zoneOf(q.zones)} as tz,
          extract(month from c.birthday)::int as m, extract(day from c.birthday)::int as d
        from contacts c
        where c.birthday is not null and ${md} = any(${q.monthDays}::int[])
      ),
      moments as (
        select c.id, y.year, c.tz,
          make_date(y.year, c.m, case when c.m = 2 and c.d = 29
            and not (y.year % 4 = 0 and (y.year % 100 <> 0 or y.year % 400 = 0)) then 28 else c.d end) as day
        from candidates c cross join unnest(${q.years}::int[]) as y (year)
      ),
      due as (
        select m.*, ((m.day + ${q.offsetDays}::int)::timestamp + ${q.localTime}::time) at time zone m.tz as fire_at
        from moments m
      )
      select due.id as contact_id, due.id || ':birthday:' || due.year as occurrence_key,
        jsonb_build_object('trigger', 'date_attribute', 'attribute', 'birthday', 'date', due.day::text,
          'firedAt', due.fire_at, 'timezone', due.tz) as context
      from due
      where due.fire_at > ${iso(w.since)}::timestamptz and due.fire_at <= ${iso(w.until)}::timestamptz`,
    );
  }

  /**
   * Runs for a date custom attribute (`YYYY-MM-DD` in contacts.attributes) whose moment falls in the window; one per
   * contact and date (changing the date arms the rule again). `dates` are the values that can fire: each is one
   * containment test on the attributes' GIN index, OR-ed into a bitmap scan.
   */
  async startDateAttributeRuns(
    automationId: string,
    w: PassWindow,
    q: { attribute: string; dates: string[]; offsetDays: number; localTime: string; zones: ZoneChoice },
  ): Promise<number> {
    if (q.dates.length === 0) return 0;
    const matches = sql.join(
      q.dates.map((d) => sql`c.attributes @> ${JSON.stringify({ [q.attribute]: d })}::jsonb`),
      sql` or `,
    );
    return this.run(
      automationId,
      sql`with candidates as materialized (
        select c.id, ${zoneOf(q.zones)} as tz, c.attributes ->> ${q.attribute}::text as value
        from contacts c
        where (${matches})
      ),
      due as (
        select c.*, ((c.value::date + ${q.offsetDays}::int)::timestamp + ${q.localTime}::time) at time zone c.tz as fire_at
        from candidates c where c.value = any(${q.dates}::text[])
      )
      select due.id as contact_id, due.id || ':' || ${q.attribute}::text || ':' || due.value as occurrence_key,
        jsonb_build_object('trigger', 'date_attribute', 'attribute', ${q.attribute}::text, 'date', due.value,
          'firedAt', due.fire_at, 'timezone', due.tz) as context
      from due
      where due.fire_at > ${iso(w.since)}::timestamptz and due.fire_at <= ${iso(w.until)}::timestamptz`,
    );
  }

  /**
   * Runs for contacts whose quiet spell reached `days` within the window: last activity in (since - days, until - days].
   * The occurrence is the last activity itself, so one spell gives one run and new activity starts a new spell. Contacts
   * that never did anything are left out. Range scan on contacts_activity_sort_idx (its expression, 0003).
   */
  async startInactivityRuns(automationId: string, w: PassWindow, days: number): Promise<number> {
    const activity = sql`coalesce(contacts.last_activity_at, '-infinity'::timestamptz)`;
    const shift = sql`make_interval(days => ${days}::int)`;
    return this.run(
      automationId,
      sql`select contacts.id as contact_id,
        contacts.id || ':inactive:' || to_char(contacts.last_activity_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
          as occurrence_key,
        jsonb_build_object('trigger', 'inactivity', 'days', ${days}::int, 'lastActivityAt', contacts.last_activity_at) as context
      from contacts
      where ${activity} > ${iso(w.since)}::timestamptz - ${shift}
        and ${activity} <= ${iso(w.until)}::timestamptz - ${shift}`,
    );
  }

  /**
   * Brings the rule's member snapshot up to date with the segment (one statement, one snapshot): new members are added
   * and, unless this is the baseline (the rule's first pass), get a run; members who left are removed. Returns the runs
   * started and the entries and exits seen.
   */
  async syncSegment(
    automationId: string,
    segmentId: string,
    segment: RawBuilder<SqlBool>,
    now: Date,
    baseline: boolean,
  ): Promise<{ entered: number; left: number; started: number }> {
    const day = iso(now).slice(0, 10);
    const { rows } = await sql<{ entered: number; left: number; started: number }>`
      with members as materialized (select contacts.id from contacts where ${segment}),
      entered as (
        insert into automation_segment_members (automation_id, contact_id, entered_at)
        select ${automationId}::uuid, m.id, ${iso(now)}::timestamptz from members m
        on conflict do nothing
        returning contact_id
      ),
      gone as (
        delete from automation_segment_members s
        where s.automation_id = ${automationId}::uuid and not exists (select 1 from members m where m.id = s.contact_id)
        returning 1
      ),
      started as (
        insert into automation_runs (automation_id, contact_id, occurrence_key, context, status)
        select ${automationId}::uuid, e.contact_id,
          e.contact_id || ':segment:' || ${segmentId}::text || ':' || ${day}::text,
          jsonb_build_object('trigger', 'segment_entered', 'segmentId', ${segmentId}::text, 'enteredAt', ${iso(now)}::text),
          'running'
        from entered e where not ${baseline}::boolean
        on conflict (automation_id, occurrence_key) do nothing
        returning id
      )
      select (select count(*) from entered)::int as entered, (select count(*) from gone)::int as left,
        (select count(*)::int from graphile_worker.add_jobs(array(
          select row('automations.step', json_build_object('runId', s.id::text), null, null, ${STEP_MAX_ATTEMPTS}::int,
          'automation-run:' || s.id, null, null)
            ::graphile_worker.job_spec
          from started s
        ))) as started`.execute(this.db);
    return rows[0]!;
  }

  /** Every time zone name PostgreSQL knows (pg_timezone_names reads the zone files: slow, so callers cache it). */
  async timezoneNames(): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`select name from pg_timezone_names`.execute(this.db);
    return rows.map((r) => r.name);
  }

  /** Conversations waiting for an agent's answer right now (the daily report's last line). */
  async unansweredNow(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from conversations
      where waiting_since is not null and status in ('open', 'pending')`.execute(this.db);
    return rows[0]?.n ?? 0;
  }

  /** A broadcast by its exact title (a scheduled newsletter's step finds the one an interrupted attempt created). */
  async broadcastByTitle(title: string): Promise<{ id: string; status: string } | undefined> {
    const { rows } = await sql<{
      id: string;
      status: string;
    }>`select id, status from broadcasts where title = ${title}
      order by created_at desc limit 1`.execute(this.db);
    return rows[0];
  }

  /** A segment's stored filter (null when the segment is gone). */
  async segmentFilter(segmentId: string): Promise<unknown | null> {
    const { rows } = await sql<{
      filter: unknown;
    }>`select filter from segments where id = ${segmentId}::uuid`.execute(this.db);
    return rows[0]?.filter ?? null;
  }

  private async run(automationId: string, rows: RawBuilder<unknown>): Promise<number> {
    const { rows: out } = await startRuns(automationId, rows).execute(this.db);
    return out[0]?.started ?? 0;
  }
}
