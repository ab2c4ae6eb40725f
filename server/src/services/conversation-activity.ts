import { sql } from 'kysely';
import type { Message } from '../db/schema.ts';
import { presentMessage } from '../http/conversation.presenters.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { CONVERSATIONS_ROOM } from './conversation-recorder.ts';

/** What happened, structured: the UI translates `kind` + `data`; `content` is a default text for API clients. */
export interface Activity {
  kind: string;
  data?: Record<string, unknown>;
}

/** Who did it (null: the system, e.g. a snooze that ran out or a customer message that reopened the conversation). */
export type ActivityActor = Pick<Actor, 'type' | 'id' | 'name'> | null;

type Lang = 'ru' | 'en';
type Texts = Record<Lang, (d: Record<string, unknown>, by: string | null) => string>;

const by = (lang: Lang, name: string | null) => (name ? (lang === 'ru' ? ` (${name})` : ` by ${name}`) : '');
const str = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));
/** A time as `2026-11-22 09:30 UTC` (the UI shows it in the reader's zone from data.until). */
const time = (v: unknown) => {
  const d = typeof v === 'string' ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—';
};
const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.join(', ') : '—');

/**
 * Default texts per kind. Kinds owned by other features (assignment, CSAT, …) may add theirs here; an unknown kind
 * still gets a readable line from its name.
 */
const TEXTS: Record<string, Texts> = {
  resolved: {
    en: (_d, n) => `Conversation resolved${by('en', n)}`,
    ru: (_d, n) => `Диалог решён${by('ru', n)}`,
  },
  reopened: {
    en: (_d, n) => `Conversation reopened${by('en', n)}`,
    ru: (_d, n) => `Диалог открыт снова${by('ru', n)}`,
  },
  status_changed: {
    en: (d, n) => `Status changed to ${str(d.to)}${by('en', n)}`,
    ru: (d, n) => `Статус изменён на ${str(d.to)}${by('ru', n)}`,
  },
  snoozed: {
    en: (d, n) =>
      d.until ? `Snoozed until ${time(d.until)}${by('en', n)}` : `Snoozed until the next reply${by('en', n)}`,
    ru: (d, n) =>
      d.until ? `Отложен до ${time(d.until)}${by('ru', n)}` : `Отложен до нового сообщения${by('ru', n)}`,
  },
  unsnoozed: {
    en: () => 'Snooze ended, conversation reopened',
    ru: () => 'Время откладывания истекло, диалог открыт',
  },
  priority_changed: {
    en: (d, n) => `Priority changed from ${str(d.from)} to ${str(d.to)}${by('en', n)}`,
    ru: (d, n) => `Приоритет изменён с ${str(d.from)} на ${str(d.to)}${by('ru', n)}`,
  },
  category_changed: {
    en: (d, n) => `Category changed from ${str(d.from)} to ${str(d.to)}${by('en', n)}`,
    ru: (d, n) => `Категория изменена с ${str(d.from)} на ${str(d.to)}${by('ru', n)}`,
  },
  labels_changed: {
    en: (d, n) => `Labels added: ${list(d.added)}; removed: ${list(d.removed)}${by('en', n)}`,
    ru: (d, n) => `Метки добавлены: ${list(d.added)}; удалены: ${list(d.removed)}${by('ru', n)}`,
  },
  assigned: {
    en: (d, n) => `Assigned to ${str(d.assigneeName)}${by('en', n)}`,
    ru: (d, n) => `Назначен: ${str(d.assigneeName)}${by('ru', n)}`,
  },
  unassigned: {
    en: (_d, n) => `Unassigned${by('en', n)}`,
    ru: (_d, n) => `Назначение снято${by('ru', n)}`,
  },
  team_assigned: {
    en: (d, n) => `Assigned to team ${str(d.teamName)}${by('en', n)}`,
    ru: (d, n) => `Назначен команде ${str(d.teamName)}${by('ru', n)}`,
  },
};

/** The default text of an activity in a language (pure: unit-tested). */
export function activityText(activity: Activity, lang: Lang, actorName: string | null): string {
  const texts = TEXTS[activity.kind];
  if (texts) return texts[lang](activity.data ?? {}, actorName);
  const name = activity.kind.replace(/[_.]/g, ' ');
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}${by(lang, actorName)}`;
}

/**
 * Records a system line in a conversation ("resolved", "assigned to Anna"): an `activity` message from `system`
 * (the acting user kept in sender_user_id), structured kind/data in content_attributes so the UI can translate it,
 * and a default text in the workspace language. Publishes `message.created`; runs in the caller's transaction.
 */
export async function recordActivity(
  r: Repos,
  conversationId: string,
  activity: Activity,
  actor: ActivityActor,
): Promise<Message> {
  const lang: Lang = (await r.settings.get('default_language')) === 'en' ? 'en' : 'ru';
  const message = await r.messages.insert({
    conversationId,
    messageType: 'activity',
    senderType: 'system',
    senderUserId: actor?.type === 'user' ? actor.id : null,
    sourceId: null,
    content: activityText(activity, lang, actor?.name ?? null),
    contentAttributes: { activity: { kind: activity.kind, data: activity.data ?? {} } },
    // The statement's own time: several lines of one transaction keep their order, after what it recorded first.
    createdAt: sql<Date>`clock_timestamp()`,
  });
  if (!message) throw new Error('activity message was not inserted');
  await r.realtime.publish(CONVERSATIONS_ROOM, 'message.created', {
    conversationId,
    message: presentMessage(message, []),
  });
  return message;
}
