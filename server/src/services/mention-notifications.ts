import type { Conversation, Message, UserNotification } from '../db/schema.ts';
import type { Repos } from '../repositories/index.ts';
import type { Principal } from './auth.service.ts';
import { canSee } from './conversation-visibility.ts';
import { handleOf, parseMentions } from './mentions.ts';

/** A user's personal realtime room (in-app notifications). */
export const userRoom = (userId: string) => `user:${userId}`;

/** The API shape of an in-app notification. */
export function presentNotification(n: UserNotification) {
  return {
    id: n.id,
    kind: n.kind,
    conversationId: n.conversationId,
    messageId: n.messageId,
    actorId: n.actorId,
    broadcastId: n.broadcastId,
    detail: n.detail,
    readAt: n.readAt ? n.readAt.toISOString() : null,
    createdAt: n.createdAt.toISOString(),
  };
}

/**
 * Notifies the team members a note mentions (services/mentions.ts): each active user named, other than the author,
 * who can see the conversation (a mention does not widen visibility), gets a `mention` notification and a
 * `notification.created` event in their room. Returns the ids notified. Runs in the note's transaction.
 */
export async function notifyMentions(
  r: Repos,
  author: Principal,
  conversation: Conversation,
  note: Message,
  content: string,
): Promise<string[]> {
  const refs = parseMentions(content);
  const users = await r.userNotifications.mentionable(refs.userIds, refs.handles);
  // A handle shared by several users (anna@a.com, anna@b.com) names nobody for sure: skip it.
  const byHandle = new Map<string, number>();
  for (const u of users) byHandle.set(handleOf(u.email), (byHandle.get(handleOf(u.email)) ?? 0) + 1);
  const named = users.filter(
    (u) =>
      refs.userIds.includes(u.id) ||
      (refs.handles.includes(handleOf(u.email)) && byHandle.get(handleOf(u.email)) === 1),
  );
  const notified: string[] = [];
  for (const u of named) {
    if (author.kind === 'user' && u.id === author.id) continue;
    if (!(await canSee(r, { kind: 'user', id: u.id, role: u.role }, conversation))) continue;
    const row = await r.userNotifications.create({
      userId: u.id,
      kind: 'mention',
      conversationId: conversation.id,
      messageId: note.id,
      actorId: author.kind === 'user' ? author.id : null,
    });
    await r.realtime.publish(userRoom(u.id), 'notification.created', {
      notification: presentNotification(row),
    });
    notified.push(u.id);
  }
  return notified;
}
