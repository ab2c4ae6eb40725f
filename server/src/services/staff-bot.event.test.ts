import { describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../channels/channel.ts';
import { staffBotUpdate } from './staff-bot.event.ts';

const sender = { externalId: '42', firstName: 'Kate', username: 'kate', languageCode: 'en', isBot: false };
const base = {
  type: 'message' as const,
  messageId: '7',
  chat: { externalId: '42', kind: 'private' as const },
  sender,
  sentAt: new Date('2026-01-01T00:00:00Z'),
  attachments: [],
  rawKind: 'text',
};

describe('staff bot updates', () => {
  it('keeps the text, the sender and the chat of a private message, JSON-safe', () => {
    const u = staffBotUpdate({ ...base, text: 'ABCD-EFGH' });
    expect(u).toEqual({
      kind: 'message',
      from: { id: '42', username: 'kate', languageCode: 'en', firstName: 'Kate' },
      chatId: '42',
      messageId: '7',
      text: 'ABCD-EFGH',
    });
    expect(JSON.parse(JSON.stringify(u))).toEqual(u);
  });

  it('takes the photo to decode, also an image sent as a file', () => {
    const photo = { kind: 'photo' as const, fileId: 'p1', fileUniqueId: 'u1' };
    expect(staffBotUpdate({ ...base, rawKind: 'photo', attachments: [photo] })?.photoFileId).toBe('p1');
    const file = { kind: 'document' as const, fileId: 'd1', fileUniqueId: 'u2', mimeType: 'image/jpeg' };
    expect(staffBotUpdate({ ...base, rawKind: 'document', attachments: [file] })?.photoFileId).toBe('d1');
  });

  it('keeps button taps with their data and tap id', () => {
    const tap: IncomingEvent = {
      type: 'callback',
      callbackQueryId: 'q1',
      data: 'sb:r:ABCD-EFGH',
      messageId: '9',
      sender,
    };
    expect(staffBotUpdate(tap)).toMatchObject({
      kind: 'callback',
      chatId: '42',
      data: 'sb:r:ABCD-EFGH',
      callbackQueryId: 'q1',
    });
  });

  it('ignores groups, bots, edits and membership changes', () => {
    expect(staffBotUpdate({ ...base, chat: { externalId: '-100', kind: 'group' } })).toBeNull();
    expect(staffBotUpdate({ ...base, sender: { ...sender, isBot: true } })).toBeNull();
    expect(staffBotUpdate({ ...base, type: 'message_edited', editedAt: new Date() })).toBeNull();
    expect(
      staffBotUpdate({
        type: 'membership',
        change: 'blocked',
        chat: base.chat,
        actor: sender,
        at: new Date(),
      }),
    ).toBeNull();
  });
});
