import { type TSchema, Type } from 'typebox';
import type { Principal } from '../../services/auth.service.ts';
import type { Permission } from '../../services/permissions.ts';
import type { InboxReportQuery, ReportQuery } from '../../services/reports.service.ts';
import type { CsvTable } from '../../services/reports-csv.ts';
import { toCsv } from '../../services/reports-csv.ts';
import {
  broadcastsTable,
  inboxTable,
  messagesTable,
  notificationsTable,
  preferencesTable,
  subscribersTable,
} from '../../services/reports-tables.ts';
import { principal } from '../auth.ts';
import { errorResponses, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';
import {
  BroadcastsReportBody,
  channelFilter,
  InboxReportBody,
  MessagesReportBody,
  NotificationsReportBody,
  PreferencesReportBody,
  reportQuery,
  SubscribersReportBody,
} from './reports.schemas.ts';

const PERIOD_NOTE =
  ' Period `[from, to)`, at most 367 days; days are calendar days in `timezone`. `format=csv` (or the `.csv` path) ' +
  'answers the same report as a CSV download.';

/** A date for the file name: the caller's own calendar date when given as one (the ISO bound is UTC and may differ). */
const fileDate = (given: string | undefined, iso: string) =>
  given && /^\d{4}-\d{2}-\d{2}$/.test(given) ? given : iso.slice(0, 10);

/** One report: its JSON route and its `.csv` twin. */
interface ReportRoute<Q, R> {
  name: string;
  access: Permission;
  summary: string;
  description: string;
  query: TSchema;
  body: TSchema;
  build: (query: Q, viewer: Principal) => Promise<R>;
  table: (report: R) => CsvTable;
}

/** The dashboard's reports (docs/api.md "Reports"): each one query's figures, as JSON or CSV. */
export async function reportRoutes(app: Http, { services }: HttpDeps) {
  const { reports } = services;

  function register<Q, R extends { from: string; to: string }>(r: ReportRoute<Q, R>) {
    for (const csvPath of [false, true]) {
      app.get(
        `/api/v1/reports/${r.name}${csvPath ? '.csv' : ''}`,
        {
          config: { access: r.access },
          schema: {
            tags: ['reports'],
            summary: csvPath ? `${r.summary} (CSV)` : r.summary,
            description: r.description + PERIOD_NOTE,
            querystring: r.query,
            ...(csvPath ? { produces: ['text/csv'] } : {}),
            response: {
              200: csvPath ? { type: 'string', description: 'text/csv' } : r.body,
              ...errorResponses,
            },
          },
        },
        async (req, reply) => {
          const report = await r.build(req.query as Q, principal(req));
          if (!csvPath && (req.query as { format?: string }).format !== 'csv') return report;
          const q = req.query as { from?: string; to?: string };
          const name = `${r.name}-${fileDate(q.from, report.from)}-${fileDate(q.to, report.to)}.csv`;
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}"`)
            .send(toCsv(r.table(report)));
        },
      );
    }
  }

  register({
    name: 'inbox',
    access: 'conversations:read',
    summary: 'Inbox figures: opened, resolved, first response and resolution time (median, p90), CSAT',
    description:
      'Per agent (current assignee; null = unassigned), per day and in total. Each figure counts at its own event time ' +
      'within the period. Agents get only their own figures. CSV: one row per day.',
    query: reportQuery({ ...channelFilter, agent: Type.Optional(Uuid) }),
    body: InboxReportBody,
    build: (query, viewer) => reports.inbox(viewer, query as InboxReportQuery),
    table: inboxTable,
  });
  register({
    name: 'messages',
    access: 'conversations:read',
    summary: 'Conversation messages in and out per channel per day',
    description:
      'Incoming (from customers) and outgoing (replies, auto-replies, CSAT surveys) conversation messages by creation ' +
      'time; `failed` = outgoing whose delivery failed. Notes and activity lines are not counted; broadcasts and ' +
      'notifications have their own reports. Agent users are refused (workspace-wide traffic). CSV: one row per day and ' +
      'channel with activity.',
    query: reportQuery(channelFilter),
    body: MessagesReportBody,
    build: (query) => reports.messages(query as ReportQuery),
    table: messagesTable,
  });
  register({
    name: 'subscribers',
    access: 'contacts:read',
    summary: 'Subscribers gained and blocked per channel per day',
    description:
      'Gained: a person reachable through the channel for the first time (their channel identity was created). ' +
      'Blocked: an identity became unreachable (blocked the bot, deleted the account, rejected as undeliverable) and ' +
      'still is. CSV: one row per day and channel with activity.',
    query: reportQuery(channelFilter),
    body: SubscribersReportBody,
    build: (query) => reports.subscribers(query as ReportQuery),
    table: subscribersTable,
  });
  register({
    name: 'broadcasts',
    access: 'broadcasts:read',
    summary: 'Broadcast performance: recipients, sent, failed, blocked, clicks, click rate',
    description:
      'Broadcasts that started sending in the period, with their outcomes so far (counted from the recipients). ' +
      '`clickRate` = distinct contacts who clicked a button / recipients sent to. CSV: one row per broadcast.',
    query: reportQuery(),
    body: BroadcastsReportBody,
    build: (query) => reports.broadcasts(query as ReportQuery),
    table: broadcastsTable,
  });
  register({
    name: 'notifications',
    access: 'notifications:read',
    summary:
      'Notification delivery per type: created, sent per channel, skipped by reason, failed, fallbacks',
    description: 'Notifications created in the period, by their current status. CSV: one row per type.',
    query: reportQuery(),
    body: NotificationsReportBody,
    build: (query) => reports.notifications(query as ReportQuery),
    table: notificationsTable,
  });
  register({
    name: 'preferences',
    access: 'contacts:read',
    summary:
      'Preference statistics: opt-outs per type and channel, marketing unsubscribed, preferred channel',
    description:
      "Today's choices of contacts who have not blocked us (a snapshot: preferences keep no history), plus " +
      'marketing unsubscriptions within the period. CSV: one row per figure.',
    query: reportQuery(),
    body: PreferencesReportBody,
    build: (query) => reports.preferences(query as ReportQuery),
    table: preferencesTable,
  });
}
