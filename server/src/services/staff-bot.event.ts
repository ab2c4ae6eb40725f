import type { IncomingEvent } from '../channels/channel.ts';
import type { StaffBotUpdate } from '../jobs/job-map.ts';

/**
 * The part of a mapped event the staff bot acts on, as a JSON-safe job payload; null for what it ignores (edits,
 * membership changes, groups: staff use the bot in a private chat).
 */
export function staffBotUpdate(event: IncomingEvent): StaffBotUpdate | null {
  if (event.type === 'message') {
    if (event.chat.kind !== 'private' || event.sender.isBot) return null;
    const photo = event.attachments.find(
      (a) => a.kind === 'photo' || (a.kind === 'document' && a.mimeType?.startsWith('image/')),
    );
    return {
      kind: 'message',
      from: sender(event.sender),
      chatId: event.chat.externalId,
      messageId: event.messageId,
      ...(event.text !== undefined ? { text: event.text } : {}),
      ...(photo ? { photoFileId: photo.fileId } : {}),
    };
  }
  if (event.type === 'callback') {
    if (event.sender.isBot) return null;
    return {
      kind: 'callback',
      from: sender(event.sender),
      // Taps come from the private chat, whose id is the person's.
      chatId: event.chat?.externalId ?? event.sender.externalId,
      ...(event.messageId !== undefined ? { messageId: event.messageId } : {}),
      ...(event.data !== undefined ? { data: event.data } : {}),
      callbackQueryId: event.callbackQueryId,
    };
  }
  return null;
}

function sender(s: { externalId: string; username?: string; languageCode?: string; firstName?: string }) {
  return {
    id: s.externalId,
    ...(s.username !== undefined ? { username: s.username } : {}),
    ...(s.languageCode !== undefined ? { languageCode: s.languageCode } : {}),
    ...(s.firstName !== undefined ? { firstName: s.firstName } : {}),
  };
}
