import type { InboxReport } from './reports.service.ts';
import type { CsvTable } from './reports-csv.ts';
import type {
  BroadcastsReport,
  MessagesReport,
  NotificationsReport,
  PreferencesReport,
  SubscribersReport,
} from './reports-figures.ts';

/**
 * Each report as one flat table for `format=csv`: the finest grain the report has (day × channel, one broadcast, one
 * notification type), so a spreadsheet can pivot it any way; column names are stable snake_case.
 */

export function inboxTable(r: InboxReport): CsvTable {
  return {
    columns: [
      'day',
      'conversations_opened',
      'conversations_resolved',
      'first_response_median_s',
      'first_response_p90_s',
      'first_response_count',
      'resolution_median_s',
      'resolution_p90_s',
      'resolution_count',
      'csat_sent',
      'csat_rated',
      'csat_average',
      'csat_response_rate',
    ],
    rows: r.byDay.map((d) => [
      d.day,
      d.conversationsOpened,
      d.conversationsResolved,
      d.firstResponseTime.median,
      d.firstResponseTime.p90,
      d.firstResponseTime.count,
      d.resolutionTime.median,
      d.resolutionTime.p90,
      d.resolutionTime.count,
      d.csat.sent,
      d.csat.rated,
      d.csat.average,
      d.csat.responseRate,
    ]),
  };
}

export function messagesTable(r: MessagesReport): CsvTable {
  return {
    columns: ['day', 'channel_id', 'channel_name', 'channel_type', 'incoming', 'outgoing', 'outgoing_failed'],
    rows: r.rows.map((x) => [
      x.day,
      x.channelId,
      x.channelName,
      x.channelType,
      x.incoming,
      x.outgoing,
      x.failed,
    ]),
  };
}

export function subscribersTable(r: SubscribersReport): CsvTable {
  return {
    columns: ['day', 'channel_id', 'channel_name', 'channel_type', 'gained', 'blocked'],
    rows: r.rows.map((x) => [x.day, x.channelId, x.channelName, x.channelType, x.gained, x.blocked]),
  };
}

export function broadcastsTable(r: BroadcastsReport): CsvTable {
  return {
    columns: [
      'broadcast_id',
      'title',
      'status',
      'channel_name',
      'started_at',
      'finished_at',
      'recipients',
      'sent',
      'failed',
      'blocked',
      'not_sent',
      'clicks',
      'clickers',
      'click_rate',
    ],
    rows: r.broadcasts.map((b) => [
      b.id,
      b.title,
      b.status,
      b.channelName,
      b.startedAt,
      b.finishedAt,
      b.recipients,
      b.sent,
      b.failed,
      b.blocked,
      b.other,
      b.clicks,
      b.clickers,
      b.clickRate,
    ]),
  };
}

export function notificationsTable(r: NotificationsReport): CsvTable {
  return {
    columns: [
      'type_key',
      'type_name',
      'created',
      'sent_telegram',
      'sent_email',
      'skipped',
      'skipped_reasons',
      'failed',
      'digested',
      'pending',
      'fallbacks',
      'topic_sent',
      'topic_clicks',
      'topic_clickers',
      'topic_click_rate',
    ],
    rows: r.types.map((x) => [
      x.typeKey,
      x.typeName,
      x.created,
      x.sent.telegram,
      x.sent.email,
      x.skipped,
      x.skippedByReason.map((s) => `${s.reason}: ${s.count}`).join('; '),
      x.failed,
      x.digested,
      x.pending,
      x.fallbacks,
      x.engagement.sent,
      x.engagement.clicks,
      x.engagement.clickers,
      x.engagement.clickRate,
    ]),
  };
}

/** Preferences are not a grid: one row per figure (`figure`, the type key or channel it is about, the count). */
export function preferencesTable(r: PreferencesReport): CsvTable {
  return {
    columns: ['figure', 'subject', 'count'],
    rows: [
      ['contacts', '', r.contacts],
      ['marketing_unsubscribed', '', r.marketing.unsubscribed],
      ['marketing_unsubscribed_in_period', '', r.marketing.unsubscribedInPeriod],
      ['preferred_channel', 'telegram', r.preferredChannel.telegram],
      ['preferred_channel', 'email', r.preferredChannel.email],
      ['preferred_channel', 'none', r.preferredChannel.none],
      ['channel_off', 'telegram', r.channelsOff.telegram],
      ['channel_off', 'email', r.channelsOff.email],
      ...r.types.flatMap((x) => [
        ['type_off', x.typeKey, x.disabled],
        ['type_channel_off', `${x.typeKey}/telegram`, x.telegramOff],
        ['type_channel_off', `${x.typeKey}/email`, x.emailOff],
      ]),
    ],
  };
}
