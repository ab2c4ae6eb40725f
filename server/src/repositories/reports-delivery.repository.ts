import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { ReportPeriod } from './reports-activity.repository.ts';

/** One broadcast's results. */
export interface BroadcastPerformanceRow {
  id: string;
  title: string;
  status: string;
  channelId: string;
  channelName: string;
  startedAt: Date;
  finishedAt: Date | null;
  recipients: number;
  sent: number;
  failed: number;
  blocked: number;
  /** Recipients not tried (yet): pending, sending, skipped, cancelled, unknown. */
  other: number;
  clicks: number;
  /** Distinct contacts who clicked at least once. */
  clickers: number;
}

/** One notification type's delivery in a period. */
export interface NotificationTypeRow {
  typeKey: string;
  typeName: string | null;
  created: number;
  sentTelegram: number;
  sentEmail: number;
  skipped: number;
  failed: number;
  digested: number;
  /** Still queued, delayed (quiet hours) or sending. */
  pending: number;
  /** Notifications that moved to a later channel at least once. */
  fallbacks: number;
}

/** Engagement with a notification type's topic broadcasts (POST /notifications/topic) started in the period. */
export interface TopicEngagementRow {
  typeKey: string;
  typeName: string;
  sent: number;
  clicks: number;
  clickers: number;
}

/** How many skipped notifications of a type gave this reason. */
export interface SkipReasonRow {
  typeKey: string;
  reason: string;
  count: number;
}

/** Contact-wide preference counts (a snapshot, plus unsubscriptions in the period). */
export interface PreferenceTotalsRow {
  contacts: number;
  unsubscribed: number;
  unsubscribedInPeriod: number;
  preferredTelegram: number;
  preferredEmail: number;
  preferredNone: number;
  telegramOff: number;
  emailOff: number;
}

/** Opt-outs of one notification type: whole type, or one channel kind. */
export interface TypeOptOutRow {
  typeKey: string;
  typeName: string | null;
  disabled: number;
  telegramOff: number;
  emailOff: number;
}

/** Broadcast, notification and preference figures; each one set-based query. */
export class ReportsDeliveryRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * Broadcasts that started sending in the period, with their recipients by outcome and their clicks. Recipients are
   * counted from broadcast_deliveries (the truth; `broadcasts.stats` is a cache flushed on a timer), by broadcast_id
   * (index broadcast_deliveries_status_idx); clicks from broadcast_clicks (broadcast_clicks_idx).
   */
  async broadcasts(p: ReportPeriod): Promise<BroadcastPerformanceRow[]> {
    const { rows } = await sql<BroadcastPerformanceRow>`
      with b as (
        select b.id, b.title, b.status, b.channel_id, b.started_at, b.finished_at from broadcasts b
        where b.started_at >= ${p.from} and b.started_at < ${p.to}
      ), d as (
        select d.broadcast_id, count(*)::int as recipients,
          count(*) filter (where d.status = 'sent')::int as sent,
          count(*) filter (where d.status = 'failed')::int as failed,
          count(*) filter (where d.status = 'blocked')::int as blocked,
          count(*) filter (where d.status not in ('sent', 'failed', 'blocked'))::int as other
        from broadcast_deliveries d where d.broadcast_id in (select id from b) group by d.broadcast_id
      ), k as (
        select k.broadcast_id, count(*)::int as clicks, count(distinct k.contact_id)::int as clickers
        from broadcast_clicks k where k.broadcast_id in (select id from b) group by k.broadcast_id
      )
      select b.id, b.title, b.status, b.channel_id, ch.name as channel_name, b.started_at, b.finished_at,
        coalesce(d.recipients, 0) as recipients, coalesce(d.sent, 0) as sent, coalesce(d.failed, 0) as failed,
        coalesce(d.blocked, 0) as blocked, coalesce(d.other, 0) as other,
        coalesce(k.clicks, 0) as clicks, coalesce(k.clickers, 0) as clickers
      from b join channels ch on ch.id = b.channel_id
      left join d on d.broadcast_id = b.id left join k on k.broadcast_id = b.id
      order by b.started_at, b.id`.execute(this.db);
    return rows;
  }

  /**
   * Notifications created in the period, per type key: their current status, the channel kind that delivered them, and
   * whether the log shows a fallback (notifications_list_idx for the range; notification_log by notification id).
   */
  async notificationTypes(p: ReportPeriod): Promise<NotificationTypeRow[]> {
    const { rows } = await sql<NotificationTypeRow>`
      with n as (
        select n.id, n.type_key, n.status, n.channel from notifications n
        where n.created_at >= ${p.from} and n.created_at < ${p.to}
      ), fb as (
        select distinct l.notification_id from notification_log l
        where l.event = 'fallback' and l.notification_id in (select id from n)
      )
      select n.type_key, t.name as type_name, count(*)::int as created,
        count(*) filter (where n.status = 'sent' and n.channel = 'telegram')::int as sent_telegram,
        count(*) filter (where n.status = 'sent' and n.channel = 'email')::int as sent_email,
        count(*) filter (where n.status = 'skipped')::int as skipped,
        count(*) filter (where n.status = 'failed')::int as failed,
        count(*) filter (where n.status = 'digested')::int as digested,
        count(*) filter (where n.status in ('queued', 'delayed', 'sending'))::int as pending,
        count(fb.notification_id)::int as fallbacks
      from n left join fb on fb.notification_id = n.id
      left join notification_types t on t.key = n.type_key
      group by n.type_key, t.name
      order by n.type_key`.execute(this.db);
    return rows;
  }

  /**
   * Per notification type, its topic broadcasts (broadcasts.notification_type_id) that started in the period: recipients
   * sent to, button clicks and distinct clickers. The only tracked engagement: single notifications carry no tracked
   * buttons or links.
   */
  async topicEngagement(p: ReportPeriod): Promise<TopicEngagementRow[]> {
    const { rows } = await sql<TopicEngagementRow>`
      with b as (
        select b.id, b.notification_type_id from broadcasts b
        where b.notification_type_id is not null and b.started_at >= ${p.from} and b.started_at < ${p.to}
      ), d as (
        select d.broadcast_id, count(*)::int as sent from broadcast_deliveries d
        where d.broadcast_id in (select id from b) and d.status = 'sent' group by d.broadcast_id
      ), k as (
        select k.broadcast_id, k.contact_id from broadcast_clicks k where k.broadcast_id in (select id from b)
      )
      select t.key as type_key, t.name as type_name,
        coalesce(sum(d.sent), 0)::int as sent,
        (select count(*) from k join b b2 on b2.id = k.broadcast_id where b2.notification_type_id = t.id)::int as clicks,
        (select count(distinct k.contact_id) from k join b b2 on b2.id = k.broadcast_id
          where b2.notification_type_id = t.id)::int as clickers
      from b join notification_types t on t.id = b.notification_type_id
      left join d on d.broadcast_id = b.id
      group by t.id, t.key, t.name
      order by t.key`.execute(this.db);
    return rows;
  }

  /** Why notifications created in the period were skipped, per type. */
  async skipReasons(p: ReportPeriod): Promise<SkipReasonRow[]> {
    const { rows } = await sql<SkipReasonRow>`
      select n.type_key, coalesce(n.reason, '') as reason, count(*)::int as count
      from notifications n
      where n.created_at >= ${p.from} and n.created_at < ${p.to} and n.status = 'skipped'
      group by 1, 2 order by 1, 3 desc, 2`.execute(this.db);
    return rows;
  }

  /**
   * Contact-wide figures: marketing unsubscriptions (contacts.subscribed; unsubscribed_at for the period), the preferred
   * channel and channel kinds turned off (contact_preferences). A full scan of both tables, one row each: fine for an
   * owner's dashboard, not for a hot path. Blocked contacts are left out: nobody reaches them whatever they chose.
   */
  async preferenceTotals(p: ReportPeriod): Promise<PreferenceTotalsRow> {
    const { rows } = await sql<PreferenceTotalsRow>`
      select count(*)::int as contacts,
        count(*) filter (where not c.subscribed)::int as unsubscribed,
        count(*) filter (where not c.subscribed and c.unsubscribed_at >= ${p.from} and c.unsubscribed_at < ${p.to})::int
          as unsubscribed_in_period,
        count(*) filter (where cp.preferred_channel = 'telegram')::int as preferred_telegram,
        count(*) filter (where cp.preferred_channel = 'email')::int as preferred_email,
        count(*) filter (where cp.preferred_channel is null)::int as preferred_none,
        count(*) filter (where cp.channels ->> 'telegram' = 'false')::int as telegram_off,
        count(*) filter (where cp.channels ->> 'email' = 'false')::int as email_off
      from contacts c left join contact_preferences cp on cp.contact_id = c.id
      where not c.blocked`.execute(this.db);
    return rows[0]!;
  }

  /** Per notification type key: contacts who turned the type off, or one of its channel kinds (jsonb `types`). */
  async typeOptOuts(): Promise<TypeOptOutRow[]> {
    const { rows } = await sql<TypeOptOutRow>`
      select e.key as type_key, t.name as type_name,
        count(*) filter (where e.value ->> 'enabled' = 'false')::int as disabled,
        count(*) filter (where e.value -> 'channels' ->> 'telegram' = 'false')::int as telegram_off,
        count(*) filter (where e.value -> 'channels' ->> 'email' = 'false')::int as email_off
      from contact_preferences cp
      join contacts c on c.id = cp.contact_id and not c.blocked
      cross join lateral jsonb_each(cp.types) e
      left join notification_types t on t.key = e.key
      group by e.key, t.name
      order by e.key`.execute(this.db);
    return rows;
  }
}
