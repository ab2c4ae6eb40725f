import { type TProperties, Type } from 'typebox';
import { Nullable, Uuid } from '../schemas.ts';

/** Response and query schemas of the report routes (reports.routes.ts). */

const Int = Type.Integer();
const Period = { from: Type.String(), to: Type.String(), timezone: Type.String() };

/** The query every report takes; `channel` only where the report has channels. */
export const reportQuery = (extra: TProperties = {}) =>
  Type.Object(
    {
      from: Type.Optional(
        Type.String({
          maxLength: 40,
          description: 'ISO date-time, or YYYY-MM-DD (midnight in `timezone`); default `to` − 30 days',
        }),
      ),
      to: Type.Optional(
        Type.String({
          maxLength: 40,
          description: 'ISO date-time (exclusive), or YYYY-MM-DD (that whole day included); default now',
        }),
      ),
      timezone: Type.Optional(
        Type.String({
          maxLength: 64,
          description:
            'IANA zone that cuts the days, e.g. Europe/Moscow; default the workspace setting default_timezone',
        }),
      ),
      format: Type.Optional(
        Type.Union([Type.Literal('json'), Type.Literal('csv')], {
          description: 'csv: the same report as a CSV download (like the .csv path)',
        }),
      ),
      ...extra,
    },
    { additionalProperties: false },
  );

export const channelFilter = { channel: Type.Optional(Uuid) };

const Durations = Type.Object({
  median: Nullable(Type.Number({ description: 'seconds' })),
  p90: Nullable(Type.Number({ description: 'seconds' })),
  count: Int,
});

const InboxFigures = {
  conversationsOpened: Int,
  conversationsResolved: Int,
  firstResponseTime: Durations,
  resolutionTime: Durations,
  csat: Type.Object({
    sent: Int,
    rated: Int,
    average: Nullable(Type.Number()),
    responseRate: Nullable(Type.Number({ description: 'rated / sent' })),
  }),
};

export const InboxReportBody = Type.Object({
  ...Period,
  totals: Type.Object(InboxFigures),
  byAgent: Type.Array(
    Type.Object({ agentId: Nullable(Type.String()), agentName: Nullable(Type.String()), ...InboxFigures }),
  ),
  byDay: Type.Array(Type.Object({ day: Type.String(), ...InboxFigures })),
});

const ChannelInfo = { channelId: Type.String(), channelName: Type.String(), channelType: Type.String() };

/** A per-day, per-channel report with these counters. */
const channelDayBody = (counters: Record<string, ReturnType<typeof Type.Integer>>) =>
  Type.Object({
    ...Period,
    totals: Type.Object(counters),
    byChannel: Type.Array(Type.Object({ ...ChannelInfo, ...counters })),
    byDay: Type.Array(Type.Object({ day: Type.String(), ...counters })),
    rows: Type.Array(Type.Object({ day: Type.String(), ...ChannelInfo, ...counters })),
  });

export const MessagesReportBody = channelDayBody({ incoming: Int, outgoing: Int, failed: Int });
export const SubscribersReportBody = channelDayBody({ gained: Int, blocked: Int });

const BroadcastCounters = {
  recipients: Int,
  sent: Int,
  failed: Int,
  blocked: Int,
  other: Type.Integer({
    description: 'recipients not sent, failed or blocked: pending, skipped, cancelled, unknown',
  }),
  clicks: Int,
  clickers: Type.Integer({ description: 'distinct contacts who clicked' }),
  clickRate: Nullable(Type.Number({ description: 'clickers / sent' })),
};

export const BroadcastsReportBody = Type.Object({
  ...Period,
  totals: Type.Object({ broadcasts: Int, ...BroadcastCounters }),
  broadcasts: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      status: Type.String(),
      channelId: Type.String(),
      channelName: Type.String(),
      startedAt: Type.String(),
      finishedAt: Nullable(Type.String()),
      ...BroadcastCounters,
    }),
  ),
});

const NotificationFigures = {
  created: Int,
  sent: Type.Object({ telegram: Int, email: Int, total: Int }),
  skipped: Int,
  skippedByReason: Type.Array(Type.Object({ reason: Type.String(), count: Int })),
  failed: Int,
  digested: Int,
  pending: Type.Integer({ description: 'still queued, delayed or sending' }),
  fallbacks: Type.Integer({ description: 'notifications that moved to a later channel at least once' }),
  engagement: Type.Object(
    {
      sent: Int,
      clicks: Int,
      clickers: Int,
      clickRate: Nullable(Type.Number({ description: 'clickers / sent' })),
    },
    { description: "the type's topic broadcasts started in the period" },
  ),
};

export const NotificationsReportBody = Type.Object({
  ...Period,
  totals: Type.Object(NotificationFigures),
  types: Type.Array(
    Type.Object({ typeKey: Type.String(), typeName: Nullable(Type.String()), ...NotificationFigures }),
  ),
});

export const PreferencesReportBody = Type.Object({
  ...Period,
  contacts: Int,
  marketing: Type.Object({ unsubscribed: Int, unsubscribedInPeriod: Int }),
  preferredChannel: Type.Object({ telegram: Int, email: Int, none: Int }),
  channelsOff: Type.Object({ telegram: Int, email: Int }),
  types: Type.Array(
    Type.Object({
      typeKey: Type.String(),
      typeName: Nullable(Type.String()),
      disabled: Int,
      telegramOff: Int,
      emailOff: Int,
    }),
  ),
});
