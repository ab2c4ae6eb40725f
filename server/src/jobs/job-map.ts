/** Every job name and its payload. Handlers are in handlers.ts; jobs are queued with `JobsRepository.add`. */
export interface JobMap {
  /** Parse and upsert an uploaded CSV, resuming after its last committed batch. */
  'contacts.import': { importId: string };
  /** Process one stored Telegram update (telegram_updates.id): contact, identity, /start, blocked. */
  'telegram.update_received': { id: number };
  /**
   * Drain one shard of a channel's stored, unprocessed updates in arrival order (channels/telegram/telegram.drain.ts).
   * Coalesced: queued by every stored update with job key = queue name `telegram-drain:<channelId>:<shard>`.
   */
  'telegram.updates_pending': { channelId: string; shard: number };
  /** Set or delete a channel's Telegram webhook to match its mode and status. */
  'telegram.webhook_sync': { channelId: string };
  /** Scheduled every minute (jobs/cron.ts): forget rate-limiter chat rows whose schedule is in the past. */
  'telegram.rate_prune': { _cron?: { ts: string; backfilled?: boolean } };
  /**
   * Fetch an incoming attachment's bytes from its channel into FileStorage (queued by the receive path in the same
   * transaction as the attachment row, storage_status pending). Handler: services.files.download.
   */
  'files.download': { attachmentId: string };
  /** Delete uploads never attached to a message after UNSENT_UPLOAD_TTL_HOURS, rows and bytes (meant hourly, jobs/cron.ts). */
  'files.prune_uploads': { _cron?: { ts: string; backfilled?: boolean } };
  /** Deliver one queued outgoing message (services/outbound.service.ts); queued per conversation, in order. */
  'messages.send': { messageId: string };
  /** Replays an agent's edit of a sent message on the platform (editMessageText); queued in the conversation's send queue. */
  'messages.edit': { messageId: string };
  /** Deletes a sent message on the platform (deleteMessage, every part); the row stays, marked deleted. */
  'messages.delete': { messageId: string };
  /** Sends a new conversation's auto-reply (services/auto-reply.ts), at most once per conversation. */
  'conversations.auto_reply': { conversationId: string };
  /** Starts a scheduled broadcast at its time (services/broadcasts.service.ts); job_key `broadcast:start:<id>`, once. */
  'broadcasts.start': { broadcastId: string };
  /** Runs a sending broadcast's delivery manager (services/broadcast-delivery.ts) until done, paused or its next wave. */
  'broadcasts.deliver': { broadcastId: string };
  /**
   * Applies a sent broadcast's latest correction, or its deletion, to every sent row not done yet
   * (services/broadcast-sent-edits.ts); queue `broadcast-sent-edit:<id>` runs them one at a time per broadcast.
   */
  'broadcasts.sent_edit': { broadcastId: string };
  /** Sends the CSAT survey of a resolved conversation (services/csat.service.ts). */
  'csat.send': { conversationId: string };
  /** Run auto-assignment rounds for one channel until its queue is empty or nobody can take more (coalesced per channel). */
  'assignment.auto_assign': { channelId: string };
  /** Every minute (jobs/cron.ts): queue auto-assignment for every channel with a waiting queue (safety net). */
  'assignment.sweep': { _cron?: { ts: string; backfilled?: boolean } };
  /** Every minute (jobs/cron.ts): drop presence rows of api processes that stopped heartbeating, announcing who went offline. */
  'presence.expire': { _cron?: { ts: string; backfilled?: boolean } };
  /** Wake one snoozed conversation when its snoozedUntil passes (queued at runAt = snoozedUntil, one per conversation). */
  'conversations.snooze_wake': { conversationId: string };
  /** Every minute (jobs/cron.ts): wake snoozed conversations whose time has passed (safety net for lost wake jobs). */
  'conversations.snooze_sweep': { _cron?: { ts: string; backfilled?: boolean } };
  /**
   * Deliver one notification (services/notifications.service.ts): only jobs queued before the drain (migration 0026)
   * still carry this name; new notifications go through `notifications.drain`.
   */
  'notifications.deliver': { notificationId: string };
  /**
   * Deliver every due notification in batches, then end (services/notification-drain.ts): queued for a scheduled time, a
   * retry or the end of quiet hours (`notifications.drain@<second>`), and every minute by cron (rows a crashed drain left
   * `sending` are failed as interrupted after the lease). Triggers do not queue it: they wake each worker process's own
   * drain by NOTIFY (jobs/notification-listener.ts).
   */
  'notifications.drain': { _cron?: { ts: string; backfilled?: boolean } };
  /** Send a digest's one merged message when its window closes (job_key `notification-digest:<id>`). */
  'notifications.digest_flush': { digestId: string };
  /**
   * Sends (or, with messageId, edits into) a contact's notification preference menu in a Telegram chat
   * (services/preference-commands.ts); queued by /settings, /stop and taps on the menu's buttons, in the contact's queue.
   */
  'preferences.menu': {
    channelId: string;
    contactId: string;
    chatExternalId: string;
    view: 'settings' | 'stopped' | 'resubscribed';
    messageId?: string;
  };
  /**
   * Apply one stored incoming email (email_inbound.id; services/email-receive.service.ts): a customer message into the
   * inbox, an automatic reply ignored, or a delivery report updating the bounced addresses.
   */
  'email.process': { id: number };
  /** Hourly (jobs/cron.ts): delete notification idempotency keys older than 24 h (services/notifications.service.ts). */
  'notifications.prune_keys': { _cron?: { ts: string; backfilled?: boolean } };
  /** Send one issued coupon's code with its QR image to the customer (services/coupons.delivery.ts). */
  'coupons.deliver': { couponId: string };
  /** Send every pending coupon of a segment batch (job key per batch; rows claimed with SKIP LOCKED). */
  'coupons.deliver_batch': { campaignId: string; batchId: string };
  /**
   * Handle one update of a staff bot (services/staff-bot.ts): linking, coupon checks, /login. Queued by the receive path
   * instead of recording anything in the inbox; one queue per chat keeps a person's updates in order.
   */
  'staff_bot.update': { channelId: string; update: StaffBotUpdate };
  /** Send one staff alert to one linked staff member through a staff bot (services/staff-alerts.ts). */
  'staff_bot.send': { channelId: string; chatId: string; html: string };
  /** Every minute (jobs/cron.ts): alert staff about long waits, auto-paused broadcasts and channel errors. */
  'staff_alerts.sweep': { _cron?: { ts: string; backfilled?: boolean } };
  /**
   * Advance one automation run (services/automations/run-engine.ts) until a wait, a pending webhook, a stop, a failure
   * or the end; job_key `automation-run:<id>` (a wait re-queues it at wake_at). runId: the bigint id as text.
   */
  'automations.step': { runId: string };
  /** Match stored events (queued with them by the events API) against enabled `event` rules and start their runs. */
  'automations.events': { eventIds: string[] };
  /** Start a `waiting` conversation rule's run if the conversation still waits (queued at waitingSince + N minutes). */
  'automations.waiting_check': { automationId: string; conversationId: string };
  /** POST one run step's signed webhook (retried with backoff), then resume the run. */
  'automations.webhook': { runId: string; step: number };
  /** Every minute (jobs/cron.ts): wake due waiting runs whose jobs were lost; start overdue `waiting` runs. */
  'automations.sweep': { _cron?: { ts: string; backfilled?: boolean } };
  /**
   * Every minute (jobs/cron.ts): the calendar triggers' pass (services/automations/calendar.ts): schedule, date-attribute
   * and inactivity rules start the runs whose moment fell since their last pass.
   */
  'automations.calendar_pass': { _cron?: { ts: string; backfilled?: boolean } };
  /** Every 5 minutes (jobs/cron.ts): segment-entry rules compare their segment with the last snapshot. */
  'automations.segment_pass': { _cron?: { ts: string; backfilled?: boolean } };
  /** The retention cleanup (services/automations/retention.ts), queued by the built-in rule's step; job key: one at a time. */
  'automations.retention_cleanup': { runId?: string };
  /** A no-op that records it ran; used by the multi-process test and `/health` diagnostics. */
  'system.probe': { token: string };
}

/** What the staff bot needs of an update (a slim copy of the mapped event, JSON-safe). */
export interface StaffBotUpdate {
  kind: 'message' | 'callback';
  from: { id: string; username?: string; languageCode?: string; firstName?: string };
  chatId: string;
  messageId?: string;
  text?: string;
  /** The largest size of a photo, to decode a QR code from. */
  photoFileId?: string;
  data?: string;
  callbackQueryId?: string;
}

export type JobName = keyof JobMap;

export interface JobOptions {
  /** Dedupe key: a second add with the same key replaces the pending job instead of adding one. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  /** Jobs in one queue run one at a time, in order. */
  queueName?: string;
  priority?: number;
}
