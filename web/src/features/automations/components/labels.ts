import type { MessageKey } from '../../../i18n/en.ts';
import type { ActionType } from '../action-form.ts';
import type { RunStatus } from '../api.ts';
import type { ConversationEvent, ConversationStatus, EventOp, TriggerKind } from '../rule-form.ts';

/** Message keys for the values the editor offers, so TypeScript checks every key exists. */
export const TRIGGER_LABEL: Record<TriggerKind, MessageKey> = {
  event: 'automations.trigger.event',
  segment_entered: 'automations.trigger.segment_entered',
  conversation: 'automations.trigger.conversation',
  schedule: 'automations.trigger.schedule',
  date_attribute: 'automations.trigger.date_attribute',
  inactivity: 'automations.trigger.inactivity',
};

export const CONVERSATION_EVENT_LABEL: Record<ConversationEvent, MessageKey> = {
  'conversation.created': 'automations.conversationEvent.created',
  message_created: 'automations.conversationEvent.message',
  resolved: 'automations.conversationEvent.resolved',
  waiting: 'automations.conversationEvent.waiting',
};

export const ACTION_LABEL: Record<ActionType, MessageKey> = {
  send_notification: 'automations.action.send_notification',
  wait: 'automations.action.wait',
  stop_if_event: 'automations.action.stop_if_event',
  add_tags: 'automations.action.add_tags',
  remove_tags: 'automations.action.remove_tags',
  set_attribute: 'automations.action.set_attribute',
  issue_coupon: 'automations.action.issue_coupon',
  assign_conversation: 'automations.action.assign_conversation',
  set_priority: 'automations.action.set_priority',
  add_label: 'automations.action.add_label',
  send_reply: 'automations.action.send_reply',
  add_note: 'automations.action.add_note',
  webhook: 'automations.action.webhook',
  notify_staff: 'automations.action.notify_staff',
  send_broadcast: 'automations.action.send_broadcast',
  support_report: 'automations.action.support_report',
  retention_cleanup: 'automations.action.retention_cleanup',
};

export const RUN_STATUS_LABEL: Record<RunStatus, MessageKey> = {
  running: 'automations.runStatus.running',
  waiting: 'automations.runStatus.waiting',
  completed: 'automations.runStatus.completed',
  stopped: 'automations.runStatus.stopped',
  failed: 'automations.runStatus.failed',
  skipped: 'automations.runStatus.skipped',
};

export const EVENT_OP_LABEL: Record<EventOp, MessageKey> = {
  eq: 'automations.op.eq',
  neq: 'automations.op.neq',
  contains: 'automations.op.contains',
  gt: 'automations.op.gt',
  lt: 'automations.op.lt',
  exists: 'automations.op.exists',
};

export const STATUS_LABEL: Record<ConversationStatus, MessageKey> = {
  open: 'automations.status.open',
  pending: 'automations.status.pending',
  snoozed: 'automations.status.snoozed',
  resolved: 'automations.status.resolved',
};

export const PRIORITY_LABEL: Record<string, MessageKey> = {
  low: 'automations.priority.low',
  medium: 'automations.priority.medium',
  high: 'automations.priority.high',
  urgent: 'automations.priority.urgent',
};
