import type { Repos } from '../../repositories/index.ts';
import type { InboxFigures } from '../../repositories/reports.repository.ts';
import type { StaffAlertsService } from '../staff-alerts.ts';
import type { ActionHandler } from './types.ts';

/** Yesterday's inbox figures in the workspace time zone, plus what waits for an answer right now. */
export interface DailySupportFigures {
  /** The local calendar date reported (YYYY-MM-DD). */
  day: string;
  timezone: string;
  figures: InboxFigures;
  unansweredNow: number;
}

type Lang = 'ru' | 'en';
const DAY_MS = 86_400_000;

/** The local date of an instant in a zone (en-CA formats as YYYY-MM-DD). */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

const previousDate = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);

/** The figures of the local day before `now`, from the same query as the Reports page (services/reports.service.ts). */
export async function dailySupportFigures(repos: Repos, now: Date): Promise<DailySupportFigures> {
  const tz = await repos.settings.get('default_timezone');
  const timezone = typeof tz === 'string' ? tz : 'Europe/Moscow';
  const today = localDate(now, timezone);
  const day = previousDate(today);
  const [from, to] = await Promise.all([
    repos.reports.startOfDay(day, timezone),
    repos.reports.startOfDay(today, timezone),
  ]);
  const rows = await repos.reports.inbox({ from, to, timezone });
  const total = rows.find((r) => r.group === 'total');
  const figures: InboxFigures = total
    ? {
        conversationsOpened: total.conversationsOpened,
        conversationsResolved: total.conversationsResolved,
        firstResponseTime: total.firstResponseTime,
        resolutionTime: total.resolutionTime,
        csat: total.csat,
      }
    : {
        conversationsOpened: 0,
        conversationsResolved: 0,
        firstResponseTime: { median: null, p90: null, count: 0 },
        resolutionTime: { median: null, p90: null, count: 0 },
        csat: { sent: 0, rated: 0, average: null, responseRate: null },
      };
  return { day, timezone, figures, unansweredNow: await repos.automationCalendar.unansweredNow() };
}

const TEXTS = {
  ru: {
    title: (day: string) => `Поддержка за ${day}`,
    opened: 'Новых обращений',
    resolved: 'Решено',
    firstResponse: 'Первый ответ (медиана)',
    resolution: 'Время решения (медиана)',
    csat: 'Оценка (CSAT)',
    noRatings: 'оценок нет',
    ratings: (n: number) => `${n} оц.`,
    unanswered: 'Ждут ответа сейчас',
    none: '—',
    h: 'ч',
    min: 'мин',
    s: 'с',
  },
  en: {
    title: (day: string) => `Support on ${day}`,
    opened: 'New conversations',
    resolved: 'Resolved',
    firstResponse: 'First response (median)',
    resolution: 'Resolution time (median)',
    csat: 'Satisfaction (CSAT)',
    noRatings: 'no ratings',
    ratings: (n: number) => `${n} rated`,
    unanswered: 'Waiting for an answer now',
    none: '—',
    h: 'h',
    min: 'min',
    s: 's',
  },
} as const;

/** "1 h 5 min", "42 s": seconds as a manager reads them. */
export function formatDuration(seconds: number | null, lang: Lang): string {
  const t = TEXTS[lang];
  if (seconds === null) return t.none;
  const s = Math.round(seconds);
  if (s < 60) return `${s} ${t.s}`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h > 0 ? `${h} ${t.h} ${m} ${t.min}` : `${m} ${t.min}`;
}

/** The report as plain text in one language (the staff alerts escape it and put the report icon in front). */
export function supportReportText(r: DailySupportFigures, lang: Lang): string {
  const t = TEXTS[lang];
  const [y, m, d] = r.day.split('-');
  const day = lang === 'ru' ? `${d}.${m}.${y}` : r.day;
  const { csat } = r.figures;
  const rating =
    csat.average === null ? t.noRatings : `${csat.average.toFixed(2)} / 5 (${t.ratings(csat.rated)})`;
  return [
    t.title(day),
    '',
    `${t.opened}: ${r.figures.conversationsOpened}`,
    `${t.resolved}: ${r.figures.conversationsResolved}`,
    `${t.firstResponse}: ${formatDuration(r.figures.firstResponseTime.median, lang)}`,
    `${t.resolution}: ${formatDuration(r.figures.resolutionTime.median, lang)}`,
    `${t.csat}: ${rating}`,
    `${t.unanswered}: ${r.unansweredNow}`,
  ].join('\n');
}

/**
 * The `support_report` action: yesterday's figures to owners and admins through the staff alerts (the staff bot), each in
 * their own language. The alerts are queued in the step's transaction, so a retried step never sends the report twice.
 * Without the staff alerts the step fails with a message saying so.
 */
export function supportReportAction(
  staffAlerts: () => Pick<StaffAlertsService, 'notify'> | null,
): ActionHandler<{ type: 'support_report' }> {
  return {
    async run({ repos, now }) {
      const alerts = staffAlerts();
      if (!alerts)
        return { kind: 'fail', error: 'Staff alerts are not available: no staff bot service is set up' };
      const report = await dailySupportFigures(repos, now);
      const text = { ru: supportReportText(report, 'ru'), en: supportReportText(report, 'en') };
      const reached = await alerts.notify({ kind: 'daily_report', text }, repos);
      return { kind: 'next', detail: { day: report.day, unansweredNow: report.unansweredNow, reached } };
    },
    async describe({ run }) {
      return {
        step: run.step,
        type: 'support_report',
        summary: "Sends yesterday's support figures to owners and admins through the staff bot",
      };
    },
  };
}
