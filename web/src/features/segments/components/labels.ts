import type { MessageKey } from '../../../i18n/en.ts';
import type { Subject } from '../condition-kinds.ts';

/** The subject select's texts. */
export const SUBJECT_LABEL: Record<Subject, MessageKey> = {
  subscribed: 'segments.subject.subscribed',
  blocked: 'segments.subject.blocked',
  language: 'segments.subject.language',
  timezone: 'segments.subject.timezone',
  source: 'segments.subject.source',
  tags: 'segments.subject.tags',
  createdAt: 'segments.subject.createdAt',
  lastActivityAt: 'segments.subject.lastActivityAt',
  birthday: 'segments.subject.birthday',
  birthdayMonth: 'segments.subject.birthdayMonth',
  birthdayDay: 'segments.subject.birthdayDay',
  attribute: 'segments.subject.attribute',
  channel: 'segments.subject.channel',
  conversation: 'segments.subject.conversation',
  event: 'segments.subject.event',
  notification: 'segments.subject.notification',
};

/** Operator texts; conversation conditions read better with their own words for exists / not_exists. */
export const OP_LABEL: Record<string, MessageKey> = {
  eq: 'segments.op.eq',
  neq: 'segments.op.neq',
  in: 'segments.op.in',
  not_in: 'segments.op.not_in',
  exists: 'segments.op.exists',
  not_exists: 'segments.op.not_exists',
  gt: 'segments.op.gt',
  gte: 'segments.op.gte',
  lt: 'segments.op.lt',
  lte: 'segments.op.lte',
  between: 'segments.op.between',
  contains: 'segments.op.contains',
  not_contains: 'segments.op.not_contains',
  starts_with: 'segments.op.starts_with',
  has_any: 'segments.op.has_any',
  has_all: 'segments.op.has_all',
  has_none: 'segments.op.has_none',
  before: 'segments.op.before',
  after: 'segments.op.after',
  within_last_days: 'segments.op.within_last_days',
  not_within_last_days: 'segments.op.not_within_last_days',
  reachable: 'segments.op.reachable',
  not_reachable: 'segments.op.not_reachable',
  did: 'segments.op.did',
  did_not: 'segments.op.did_not',
  allowed: 'segments.op.allowed',
  not_allowed: 'segments.op.not_allowed',
};

export const CONVERSATION_OP_LABEL: Record<string, MessageKey> = {
  exists: 'segments.op.conversationExists',
  not_exists: 'segments.op.conversationNotExists',
};

export const VALUE_TYPE_LABEL: Record<'string' | 'number' | 'boolean' | 'date', MessageKey> = {
  string: 'segments.valueType.string',
  number: 'segments.valueType.number',
  boolean: 'segments.valueType.boolean',
  date: 'segments.valueType.date',
};

export const STATUS_LABEL: Record<'open' | 'pending' | 'snoozed' | 'resolved', MessageKey> = {
  open: 'segments.status.open',
  pending: 'segments.status.pending',
  snoozed: 'segments.status.snoozed',
  resolved: 'segments.status.resolved',
};
