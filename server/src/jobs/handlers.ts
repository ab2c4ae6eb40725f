import type { Task, TaskList } from 'graphile-worker';
import type { Metrics } from '../lib/metrics.ts';
import type { Services } from '../services/index.ts';
import type { JobMap, JobName } from './job-map.ts';

type Handlers = { [K in JobName]: (payload: JobMap[K], helpers: Parameters<Task>[1]) => Promise<void> };

/** Thin handlers: each calls one service. Throwing makes graphile-worker retry with backoff. */
export function jobHandlers(services: Services): Handlers {
  return {
    'contacts.import': async ({ importId }, helpers) => {
      // attempts counts this run; on the last one an unexpected error fails the import instead of leaving it running.
      await services.imports.run(importId, { lastAttempt: helpers.job.attempts >= helpers.job.max_attempts });
    },
    'telegram.update_received': async ({ id }, helpers) => {
      await services.telegram.process(id, { lastAttempt: helpers.job.attempts >= helpers.job.max_attempts });
    },
    'telegram.updates_pending': async ({ channelId, shard }) => {
      await services.telegramDrain.drain(channelId, shard);
    },
    'telegram.webhook_sync': async ({ channelId }) => {
      await services.telegramWebhooks.sync(channelId);
    },
    'telegram.rate_prune': async () => {
      await services.telegramRate.prune();
    },
    'messages.send': async ({ messageId }, helpers) => {
      await services.outbound.send(messageId, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'messages.edit': async ({ messageId }, helpers) => {
      await services.replies.syncEdit(messageId, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'messages.delete': async ({ messageId }, helpers) => {
      await services.replies.syncDelete(messageId, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'conversations.auto_reply': async ({ conversationId }) => {
      await services.autoReply.send(conversationId);
    },
    'broadcasts.start': async ({ broadcastId }) => {
      await services.broadcasts.startScheduled(broadcastId);
    },
    'broadcasts.deliver': async ({ broadcastId }, helpers) => {
      await services.broadcastDelivery.run(broadcastId, { signal: helpers.abortSignal });
    },
    'broadcasts.sent_edit': async ({ broadcastId }, helpers) => {
      await services.broadcastSentEdits.run(broadcastId, { signal: helpers.abortSignal });
    },
    'notifications.deliver': async ({ notificationId }, helpers) => {
      await services.notifications.deliver(notificationId, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'notifications.drain': async (_payload, helpers) => {
      await services.notifications.drain({ signal: helpers.abortSignal });
    },
    'notifications.digest_flush': async ({ digestId }) => {
      await services.notifications.flushDigest(digestId);
    },
    'csat.send': async ({ conversationId }) => {
      await services.csat.sendOnResolve(conversationId);
    },
    'files.download': async ({ attachmentId }, helpers) => {
      await services.files.download(attachmentId, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'files.prune_uploads': async () => {
      await services.files.pruneUnsentUploads();
    },
    'assignment.auto_assign': async ({ channelId }) => {
      await services.autoAssign.run(channelId);
    },
    'assignment.sweep': async () => {
      await services.autoAssign.sweep();
    },
    'presence.expire': async () => {
      await services.presence.expireStale();
    },
    'conversations.snooze_wake': async ({ conversationId }) => {
      await services.conversations.wakeSnoozed(conversationId);
    },
    'conversations.snooze_sweep': async () => {
      await services.conversations.sweepSnoozed();
    },
    'preferences.menu': async (payload) => {
      await services.preferenceCommands.showMenu(payload);
    },
    'email.process': async ({ id }, helpers) => {
      await services.emailReceive.process(id, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'notifications.prune_keys': async () => {
      await services.notifications.pruneKeys();
    },
    'coupons.deliver': async ({ couponId }, helpers) => {
      await services.couponDelivery.deliver(couponId, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'coupons.deliver_batch': async ({ campaignId, batchId }, helpers) => {
      await services.couponDelivery.deliverBatch(campaignId, batchId, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'staff_bot.update': async ({ channelId, update }) => {
      await services.staffBot.handle(channelId, update);
    },
    'staff_bot.send': async (payload) => {
      await services.staffAlerts.send(payload);
    },
    'staff_alerts.sweep': async () => {
      await services.staffAlerts.sweep();
    },
    'automations.step': async ({ runId }, helpers) => {
      await services.automations.advance(runId, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'automations.events': async ({ eventIds }) => {
      await services.automations.triggers.matchEvents(eventIds);
    },
    'automations.waiting_check': async ({ automationId, conversationId }) => {
      await services.automations.triggers.checkWaiting(automationId, conversationId);
    },
    'automations.webhook': async ({ runId, step }, helpers) => {
      await services.automations.sendWebhook(runId, step, {
        lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
    },
    'automations.sweep': async () => {
      await services.automations.sweep();
    },
    'automations.calendar_pass': async () => {
      await services.automationCalendar.pass();
    },
    'automations.segment_pass': async () => {
      await services.automationCalendar.segmentPass();
    },
    'automations.retention_cleanup': async (_payload, helpers) => {
      await services.retention.cleanup({ signal: helpers.abortSignal });
    },
    'system.probe': async ({ token }, helpers) => {
      await services.system.recordProbe(token, helpers.job.id);
    },
  };
}

/** Wraps handlers with metrics and produces graphile-worker's task list. */
export function taskList(services: Services, metrics: Metrics): TaskList {
  const handlers = jobHandlers(services);
  const list: TaskList = {};
  for (const [name, handler] of Object.entries(handlers) as Array<
    [JobName, (p: unknown, h: Parameters<Task>[1]) => Promise<void>]
  >) {
    list[name] = async (payload, helpers) => {
      const end = metrics.jobDuration.startTimer({ task: name });
      try {
        await handler(payload, helpers);
        metrics.jobsTotal.inc({ task: name, outcome: 'success' });
      } catch (err) {
        metrics.jobsTotal.inc({ task: name, outcome: 'failure' });
        throw err;
      } finally {
        end();
      }
    };
  }
  return list;
}
