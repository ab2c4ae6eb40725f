import { Type } from 'typebox';
import { NOTIFICATION_STATUSES } from '../db/schema.ts';
import { Nullable, Uuid } from './schemas.ts';

/** TypeBox schemas of /api/v1/notifications and /api/v1/notification-types, kept apart from their routes. */

export const NOTIFICATION_STATUS_LIST: string[] = [...NOTIFICATION_STATUSES];
const ChannelKind = Type.Union([Type.Literal('telegram'), Type.Literal('email')]);
const Channels = Type.Array(ChannelKind, { minItems: 1, maxItems: 2 });

/** The recipient: exactly one of the four (checked by the service, which names the field). */
const To = Type.Object(
  {
    contactId: Type.Optional(Type.String({ maxLength: 100 })),
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    telegramId: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Integer({ minimum: 1 })])),
    email: Type.Optional(Type.String({ maxLength: 254 })),
  },
  { additionalProperties: false },
);

export const TriggerBody = Type.Object(
  {
    type: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'The notification type key, e.g. payment_success',
    }),
    to: To,
    data: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Values the templates show as data.*' }),
    ),
    channels: Type.Optional(Channels),
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    sendAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const TriggerAnswer = Type.Object({
  id: Type.String(),
  status: Type.String(),
  duplicate: Type.Boolean({
    description: 'true: the idempotency key was used within 24 h; nothing new was sent',
  }),
});

export const BatchBody = Type.Object(
  { notifications: Type.Array(TriggerBody, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);

const ItemError = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
});

export const BatchAnswer = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  results: Type.Array(
    Type.Object({
      index: Type.Integer(),
      id: Type.Optional(Type.String()),
      status: Type.Optional(Type.String()),
      duplicate: Type.Optional(Type.Boolean()),
      error: Type.Optional(ItemError),
    }),
  ),
});

export const NotificationBody = Type.Object({
  id: Type.String(),
  type: Type.String(),
  typeId: Nullable(Type.String()),
  contactId: Type.String(),
  status: Type.String(),
  channel: Nullable(Type.String()),
  channelId: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  channels: Nullable(Type.Array(Type.String())),
  idempotencyKey: Nullable(Type.String()),
  sendAt: Nullable(Type.String()),
  digestId: Nullable(Type.String()),
  sentAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const LogEntryBody = Type.Object({
  event: Type.String(),
  channel: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
  at: Type.String(),
});

export const NotificationWithLog = Type.Intersect([
  NotificationBody,
  Type.Object({ log: Type.Array(LogEntryBody) }),
]);

export const ListQuery = {
  contactId: Type.Optional(Uuid),
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  status: Type.Optional(
    Type.String({
      pattern: `^(${NOTIFICATION_STATUS_LIST.join('|')})(,(${NOTIFICATION_STATUS_LIST.join('|')}))*$`,
      description: `One or more of ${NOTIFICATION_STATUS_LIST.join(', ')}, comma-separated`,
    }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Created at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Created before' })),
};

const Throttle = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100000 }),
    periodSeconds: Type.Integer({ minimum: 1, maximum: 31622400 }),
  },
  { additionalProperties: false },
);

export const TypeBody = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  category: Type.String(),
  critical: Type.Boolean(),
  channels: Type.Array(Type.String()),
  templates: Type.Object({ telegram: Nullable(Type.String()), email: Nullable(Type.String()) }),
  emailChannelId: Nullable(Type.String()),
  throttle: Nullable(Throttle),
  digestWindowSeconds: Nullable(Type.Integer()),
  enabled: Type.Boolean(),
  builtIn: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const TypeFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  category: Type.Optional(Type.Union([Type.Literal('transactional'), Type.Literal('marketing')])),
  critical: Type.Optional(Type.Boolean()),
  channels: Type.Optional(Channels),
  templates: Type.Optional(
    Type.Object(
      {
        telegram: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
        email: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
      },
      { additionalProperties: false, description: 'Template id or key per channel kind' },
    ),
  ),
  emailChannelId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  throttle: Type.Optional(Nullable(Throttle)),
  digestWindowSeconds: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 86400 }))),
  enabled: Type.Optional(Type.Boolean()),
};

export const CreateTypeBody = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 64 }), ...TypeFields },
  { additionalProperties: false },
);

export const PatchTypeBody = Type.Object(
  {
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ...TypeFields,
    name: Type.Optional(TypeFields.name),
  },
  { additionalProperties: false },
);

export const TypeParams = Type.Object({ idOrKey: Type.String({ minLength: 1, maxLength: 100 }) });

export const TopicBody = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64 }),
    segmentId: Type.Optional(Uuid),
    filter: Type.Optional(Type.Unknown({ description: 'A segment filter (docs/api.md "Segments")' })),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    channelId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const TopicAnswer = Type.Object({
  broadcastId: Type.String(),
  status: Type.String(),
  stats: Type.Record(Type.String(), Type.Integer()),
});
