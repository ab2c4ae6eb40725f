import { type TSchema, Type } from 'typebox';
import { BROADCAST_DELIVERY_STATUSES, BROADCAST_STATUSES } from '../db/schema.ts';
import { TemplateButtons as Buttons, Nullable, Uuid } from './schemas.ts';

/** TypeBox schemas of /api/v1/broadcasts (bodies, answers, query lists), kept apart from the routes that use them. */

export const STATUSES: string[] = [...BROADCAST_STATUSES];
export const DELIVERY_STATUSES: string[] = [...BROADCAST_DELIVERY_STATUSES];
/** `status=sent` or a comma-separated list `status=failed,blocked`. */
export const statusList = (values: string[]) =>
  Type.String({
    pattern: `^(${values.join('|')})(,(${values.join('|')}))*$`,
    description: `One or more of ${values.join(', ')}, comma-separated`,
  });
export const split = <T extends string>(s: string | undefined): T[] | undefined =>
  s ? (s.split(',') as T[]) : undefined;

const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM, 24-hour clock',
});

export const AUDIENCE_HELP =
  'Exactly one audience (`segmentId` or `filter`, the segment grammar of docs/api.md "Segments") and exactly one message ' +
  '(`templateId` or `content`, Liquid in Telegram HTML). Errors name the field; template problems carry line and column.';

/**
 * Null tried first: Fastify's Ajv coerces types, and with the string first a JSON null becomes "" (so `content: null`,
 * "remove the content", would arrive as an empty text).
 */
const NullOr = <T extends TSchema>(t: T) => Type.Union([Type.Null(), t]);

const fields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  channelId: Uuid,
  segmentId: Type.Optional(NullOr(Uuid)),
  filter: Type.Optional(Type.Unknown({ description: 'A segment filter of its own; validated by node' })),
  templateId: Type.Optional(NullOr(Uuid)),
  content: Type.Optional(NullOr(Type.String({ maxLength: 20_000 }))),
  buttons: Type.Optional(Buttons),
  attachmentId: Type.Optional(NullOr(Uuid)),
  scheduledAt: Type.Optional(NullOr(Type.String({ format: 'date-time' }))),
  localTime: Type.Optional(NullOr(ClockTime)),
  quietHours: Type.Optional(
    NullOr(Type.Object({ from: ClockTime, to: ClockTime }, { additionalProperties: false })),
  ),
  paidBroadcast: Type.Optional(Type.Boolean()),
};
export const CreateBody = Type.Object(fields, { additionalProperties: false });
export const PatchBody = Type.Object(
  { ...fields, title: Type.Optional(fields.title), channelId: Type.Optional(fields.channelId) },
  { additionalProperties: false },
);

export const BroadcastBody = Type.Object({
  id: Type.String(),
  title: Type.String(),
  channelId: Type.String(),
  segmentId: Nullable(Type.String()),
  filter: Type.Unknown(),
  templateId: Nullable(Type.String()),
  content: Nullable(Type.String()),
  buttons: Type.Array(Type.Unknown()),
  attachmentId: Nullable(Type.String()),
  status: Type.String(),
  statusReason: Nullable(Type.String()),
  scheduledAt: Nullable(Type.String()),
  localTime: Nullable(Type.String()),
  quietHours: Nullable(Type.Object({ from: Type.String(), to: Type.String() })),
  paidBroadcast: Type.Boolean(),
  stats: Type.Record(Type.String(), Type.Integer()),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const DeliveryBody = Type.Object({
  id: Type.String(),
  contactId: Type.String(),
  contactName: Nullable(Type.String()),
  username: Nullable(Type.String()),
  chatExternalId: Nullable(Type.String()),
  status: Type.String(),
  reason: Nullable(Type.String()),
  attempts: Type.Integer(),
  externalId: Nullable(Type.String({ description: "Telegram's message id" })),
  notBefore: Nullable(Type.String()),
  sentAt: Nullable(Type.String()),
  updatedAt: Type.String(),
});
