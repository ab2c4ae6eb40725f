import { sql } from 'kysely';
import { FakeClock } from '../support/fake-clock.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let serial = 0;

/**
 * An api-role app (no worker: the cron's own passes and the runs' steps stay out of the way, so each test drives the
 * passes itself) on a fake clock, with shortcuts to make rules and contacts and read runs.
 */
export class CalendarWorld {
  private constructor(
    readonly app: TestApp,
    readonly clock: FakeClock,
  ) {}

  static async start(): Promise<CalendarWorld> {
    const clock = new FakeClock();
    const app = await startTestApp({ role: 'api', clock });
    await app.services.ctx.repos.settings.set('default_timezone', 'Europe/Moscow', null);
    return new CalendarWorld(app, clock);
  }

  stop() {
    return this.app.stop();
  }

  get db() {
    return this.app.services.ctx.db;
  }
  get calendar() {
    return this.app.services.automationCalendar;
  }

  /** Moves the fake clock to an instant (forward or back). */
  setTime(iso: string): void {
    this.clock.advance(new Date(iso).getTime() - this.clock.now().getTime());
  }

  /** A pass at that instant. */
  async passAt(iso: string) {
    this.setTime(iso);
    return this.calendar.pass();
  }

  /**
   * An enabled rule with this trigger (straight into the table: the trigger kinds are what is under test), enabled "now"
   * on the fake clock: passes look back no further than the moment a rule was enabled.
   */
  async rule(trigger: object, actions: object[] = [{ type: 'add_tags', tags: ['x'] }]): Promise<string> {
    serial += 1;
    const { rows } = await sql<{
      id: string;
    }>`insert into automations (name, enabled, trigger, actions, updated_at)
      values (${`rule ${serial}`}, true, ${JSON.stringify(trigger)}::jsonb, ${JSON.stringify(actions)}::jsonb,
        ${this.clock.now().toISOString()}::timestamptz)
      returning id`.execute(this.db);
    return rows[0]!.id;
  }

  async contact(
    over: { timezone?: string | null; birthday?: string; attributes?: object; tags?: string[] } = {},
  ): Promise<string> {
    serial += 1;
    const { rows } = await sql<{
      id: string;
    }>`insert into contacts (first_name, timezone, birthday, attributes, tags)
      values (${`C${serial}`}, ${over.timezone ?? null}, ${over.birthday ?? null}::date,
        ${JSON.stringify(over.attributes ?? {})}::jsonb, ${over.tags ?? []}::text[])
      returning id`.execute(this.db);
    return rows[0]!.id;
  }

  /** Runs of a rule as (contact, occurrence key, context), oldest first. */
  async runs(automationId: string) {
    const { rows } = await sql<{
      contactId: string | null;
      occurrenceKey: string;
      context: Record<string, unknown>;
    }>`
      select contact_id as "contactId", occurrence_key as "occurrenceKey", context from automation_runs
      where automation_id = ${automationId}::uuid order by id`.execute(this.db);
    return rows;
  }

  /** Step jobs queued for a rule's runs (one per run, never two). */
  async stepJobs(automationId: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs j
      join automation_runs r on j.key = 'automation-run:' || r.id
      where j.task_identifier = 'automations.step' and r.automation_id = ${automationId}::uuid`.execute(
      this.db,
    );
    return rows[0]!.n;
  }
}
