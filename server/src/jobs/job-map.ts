/** Every job name and its payload. Handlers are in handlers.ts; jobs are queued with `JobsRepository.add`. */
export interface JobMap {
  /** Parse and upsert an uploaded CSV, resuming after its last committed batch. */
  'contacts.import': { importId: string };
  /** Process one stored Telegram update (telegram_updates.id): contact, identity, /start, blocked. */
  'telegram.update_received': { id: number };
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
   * Deliver one notification (services/notifications.service.ts): preferences are checked now, not when queued; channels
   * in order with fallback on permanent failures; retried with backoff on transient ones.
   */
  'notifications.deliver': { notificationId: string };
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
  /** A no-op that records it ran; used by the multi-process test and `/health` diagnostics. */
  'system.probe': { token: string };
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
