import type {
  AutomationCalendarRepository,
  CalendarRule,
  PassWindow,
} from '../../repositories/automation-calendar.repository.ts';
import { inTransaction, type ServiceContext } from '../context.ts';
import { parseFilter } from '../segments/filter.ts';
import { compileNode } from '../segments/filter-compiler.ts';
import { birthdayQuery, dateAttributeQuery } from './date-trigger.ts';
import { parseCron, ticksBetween } from './schedule-cron.ts';
import type { AutomationTrigger } from './types.ts';

/**
 * How far back a pass looks at most. After an outage (or a disabled rule enabled again) only the last day is caught up:
 * a birthday greeting a day late is still welcome, a week late it is not; a schedule fires its latest missed tick once.
 */
export const MAX_CATCH_UP_MS = 24 * 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What one pass did, per rule (runs started, or why the rule was skipped). */
export interface PassSummary {
  rules: Array<{ automationId: string; kind: string; started: number; error?: string }>;
}

type Kind = AutomationTrigger['kind'];
type Starter = (repo: AutomationCalendarRepository, rule: CalendarRule, w: PassWindow) => Promise<number>;

/**
 * The calendar triggers: a pass (every minute, jobs/cron.ts) asks each enabled schedule, date-attribute and inactivity
 * rule which occurrences fell in (its last pass, now] and starts their runs set-based; a slower pass keeps segment-entry
 * snapshots. Each rule's pass is its own short transaction holding the rule's pass row, so passes racing in two worker
 * processes take turns, and the runs' unique occurrence key makes a repeat a no-op anyway.
 */
export class CalendarTriggers {
  /** pg_timezone_names, read once per process (zone names change with PostgreSQL upgrades, i.e. restarts). */
  private zoneNames: Promise<string[]> | null = null;

  constructor(private readonly ctx: ServiceContext) {}

  /** Schedules, date attributes and inactivity (meant every minute). */
  pass(): Promise<PassSummary> {
    return this.each(['schedule', 'date_attribute', 'inactivity'], {
      schedule: (repo, rule, w) => this.schedule(repo, rule, w),
      date_attribute: (repo, rule, w) => this.dateAttribute(repo, rule, w),
      inactivity: (repo, rule, w) =>
        repo.startInactivityRuns(rule.id, w, (rule.trigger as { days: number }).days),
    });
  }

  /** Segment entries (meant every few minutes: each rule evaluates its segment over all contacts). */
  segmentPass(): Promise<PassSummary> {
    return this.each(['segment_entered'], {});
  }

  private async each(kinds: Kind[], starters: Partial<Record<Kind, Starter>>): Promise<PassSummary> {
    const now = this.ctx.clock.now();
    const rules = await this.ctx.repos.automationCalendar.enabledRules(kinds);
    const summary: PassSummary = { rules: [] };
    for (const rule of rules) {
      const kind = rule.trigger.kind;
      try {
        const started = await inTransaction(this.ctx, async (r) => {
          const repo = r.automationCalendar;
          const { lastPassAt, first } = await repo.lockPass(rule.id, rule.updatedAt);
          if (kind === 'segment_entered') {
            // The first look at a segment (or the first after the rule changed) is the baseline: members already in it
            // have not "entered". Runs go to those who join afterwards.
            const baseline = first || rule.updatedAt > lastPassAt;
            const n = await this.segmentEntries(repo, rule, now, baseline);
            await repo.savePass(rule.id, now);
            return n;
          }
          const since = new Date(
            Math.max(lastPassAt.getTime(), rule.updatedAt.getTime(), now.getTime() - MAX_CATCH_UP_MS),
          );
          if (since >= now) return 0;
          const n = await starters[kind]!(repo, rule, { since, until: now });
          await repo.savePass(rule.id, now);
          return n;
        });
        summary.rules.push({ automationId: rule.id, kind, started });
      } catch (err) {
        // One broken rule (a time zone Node does not know, a deleted segment) must not stop the others' passes.
        this.ctx.log.warn({ err, automationId: rule.id, kind }, 'calendar trigger pass failed for a rule');
        summary.rules.push({ automationId: rule.id, kind, started: 0, error: (err as Error).message });
      }
    }
    return summary;
  }

  /** The latest tick in the window (missed ticks coalesce into one): one run, or one per contact of the segment. */
  private async schedule(repo: AutomationCalendarRepository, rule: CalendarRule, w: PassWindow) {
    const t = rule.trigger as Extract<AutomationTrigger, { kind: 'schedule' }>;
    const tick = ticksBetween(parseCron(t.cron), t.timezone, w.since, w.until).at(-1);
    if (!tick) return 0;
    const context = {
      trigger: 'schedule',
      tick: tick.local,
      timezone: t.timezone,
      at: tick.at.toISOString(),
    };
    if (!t.segmentId) return repo.startTickRun(rule.id, `schedule:${tick.local}`, context);
    const segment = await this.segmentSql(repo, t.segmentId);
    return repo.startTickRunsForSegment(rule.id, tick.local, segment, { ...context, segmentId: t.segmentId });
  }

  private async dateAttribute(repo: AutomationCalendarRepository, rule: CalendarRule, w: PassWindow) {
    const t = rule.trigger as Extract<AutomationTrigger, { kind: 'date_attribute' }>;
    this.zoneNames ??= this.ctx.repos.automationCalendar.timezoneNames().catch((err) => {
      this.zoneNames = null;
      throw err;
    });
    const zones = { known: await this.zoneNames, fallback: await this.defaultZone() };
    if (t.attribute === 'birthday')
      return repo.startBirthdayRuns(rule.id, w, { ...birthdayQuery(t, w), zones });
    return repo.startDateAttributeRuns(rule.id, w, { ...dateAttributeQuery(t, w), zones });
  }

  private async segmentEntries(
    repo: AutomationCalendarRepository,
    rule: CalendarRule,
    now: Date,
    baseline: boolean,
  ): Promise<number> {
    const { segmentId } = rule.trigger as Extract<AutomationTrigger, { kind: 'segment_entered' }>;
    const segment = await this.segmentSql(repo, segmentId);
    const { started } = await repo.syncSegment(rule.id, segmentId, segment, now, baseline);
    return started;
  }

  /** A segment's filter as SQL over `contacts` (the broadcast snapshot's compiler). */
  private async segmentSql(repo: AutomationCalendarRepository, segmentId: string) {
    const raw = UUID.test(segmentId) ? await repo.segmentFilter(segmentId) : null;
    if (raw === null) throw new Error(`segment ${segmentId} does not exist`);
    const { filter, problems } = parseFilter(raw);
    if (!filter) throw new Error(`segment ${segmentId} has an invalid filter: ${problems[0]?.message}`);
    return compileNode(filter);
  }

  /** Contacts without a (known) time zone are in the workspace's (Settings), as in reports. */
  private async defaultZone(): Promise<string> {
    const tz = await this.ctx.repos.settings.get('default_timezone');
    return typeof tz === 'string' ? tz : 'Europe/Moscow';
  }
}
