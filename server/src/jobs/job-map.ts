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
   * transaction as the attachment row, storage_status pending). Handler: engineer B (services.files.download).
   */
  'files.download': { attachmentId: string };
  /** Delete uploads never attached to a message after UNSENT_UPLOAD_TTL_HOURS, rows and bytes (meant hourly, jobs/cron.ts). */
  'files.prune_uploads': { _cron?: { ts: string; backfilled?: boolean } };
  /** Deliver one queued outgoing message (services/outbound.service.ts); queued per conversation, in order. */
  'messages.send': { messageId: string };
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
