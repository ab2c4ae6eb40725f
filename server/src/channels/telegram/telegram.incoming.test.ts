import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../channel.ts';
import { mapUpdate } from './telegram.incoming.ts';

const fixtures = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test/fixtures/telegram',
);

/** A fixture update, parsed as the webhook route would parse it. */
function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(fixtures, `${name}.json`), 'utf8'));
}

/** Maps a fixture, failing unless it yields an event of the given type. */
function mapped<T extends IncomingEvent['type']>(name: string, type: T): Extract<IncomingEvent, { type: T }> {
  const event = mapUpdate(fixture(name));
  expect(event?.type).toBe(type);
  return event as Extract<IncomingEvent, { type: T }>;
}

const anna = {
  externalId: '412345678',
  firstName: 'Анна',
  lastName: 'Петрова',
  username: 'anna_p',
  languageCode: 'ru',
  isBot: false,
};

describe('mapUpdate', () => {
  it('maps a text message with its sender, chat, time and entities', () => {
    const e = mapped('text_entities', 'message');
    expect(e).toMatchObject({
      messageId: '101',
      chat: { externalId: '412345678', kind: 'private' },
      sender: anna,
      sentAt: new Date(1763785200 * 1000),
      rawKind: 'text',
      attachments: [],
    });
    expect(e.entities).toEqual([
      { type: 'hashtag', offset: 20, length: 5 },
      { type: 'url', offset: 43, length: 30 },
      { type: 'bold', offset: 78, length: 4 },
    ]);
    // Entity offsets are UTF-16 units, the same units as JS strings: they must land on the marked words.
    const [hashtag, , bold] = e.entities!;
    expect(e.text!.slice(hashtag!.offset, hashtag!.offset + hashtag!.length)).toBe('#4521');
    expect(e.text!.slice(bold!.offset, bold!.offset + bold!.length)).toBe('bold');
    expect(e.isStart).toBeUndefined();
  });

  it('keeps the largest photo size and the caption with its entities', () => {
    const e = mapped('photo_caption', 'message');
    expect(e.rawKind).toBe('photo');
    expect(e.attachments).toEqual([
      {
        kind: 'photo',
        fileId: 'AgACAgIAAxkBAAIBZmdPhoto1280',
        fileUniqueId: 'AQADlarge',
        size: 98120,
        width: 1280,
        height: 960,
      },
    ]);
    expect(e.text).toBe('Broken box on arrival');
    expect(e.entities).toEqual([{ type: 'italic', offset: 0, length: 10 }]);
    expect(e.mediaGroupId).toBe('13872650381946522');
  });

  it('maps a document with its name, type and size, ignoring the thumbnail', () => {
    const e = mapped('document', 'message');
    expect(e.attachments).toEqual([
      {
        kind: 'document',
        fileId: 'BQACAgIAAxkBAAIBZ2dDocument',
        fileUniqueId: 'AgADdoc4521',
        fileName: 'invoice-4521.pdf',
        mimeType: 'application/pdf',
        size: 245760,
      },
    ]);
  });

  it('maps a video with its dimensions and duration', () => {
    const e = mapped('video', 'message');
    expect(e.rawKind).toBe('video');
    expect(e.attachments[0]).toMatchObject({
      kind: 'video',
      width: 1920,
      height: 1080,
      duration: 17,
      size: 4812345,
    });
  });

  it('maps a voice note', () => {
    const e = mapped('voice', 'message');
    expect(e.attachments).toEqual([
      {
        kind: 'voice',
        fileId: 'AwACAgIAAxkBAAIBaWdVoice',
        fileUniqueId: 'AgADvoice6',
        mimeType: 'audio/ogg',
        size: 24120,
        duration: 6,
      },
    ]);
  });

  it('maps an audio file', () => {
    const e = mapped('audio', 'message');
    expect(e.attachments[0]).toMatchObject({ kind: 'audio', fileName: 'hold-music.mp3', duration: 215 });
  });

  it('maps a sticker', () => {
    const e = mapped('sticker', 'message');
    expect(e.rawKind).toBe('sticker');
    expect(e.attachments[0]).toMatchObject({ kind: 'sticker', fileUniqueId: 'AgADsticker', width: 512 });
  });

  it('maps an animation once, although Telegram also sends it as a document', () => {
    const e = mapped('animation', 'message');
    expect(e.rawKind).toBe('animation');
    expect(e.attachments).toHaveLength(1);
    expect(e.attachments[0]).toMatchObject({
      kind: 'animation',
      fileId: 'CgACAgQAAxkBAAIBbGdAnimation',
      duration: 3,
    });
  });

  it('maps a shared location', () => {
    const e = mapped('location', 'message');
    expect(e.rawKind).toBe('location');
    expect(e.location).toEqual({ latitude: 55.751244, longitude: 37.618423, horizontalAccuracy: 12.5 });
    expect(e.text).toBeUndefined();
  });

  it('maps a contact card', () => {
    const e = mapped('contact', 'message');
    expect(e.rawKind).toBe('contact');
    expect(e.contactCard).toMatchObject({
      phoneNumber: '+79161234567',
      firstName: 'Иван',
      lastName: 'Сидоров',
      userExternalId: '623456789',
    });
    expect(e.contactCard!.vcard).toContain('BEGIN:VCARD');
  });

  it('maps an edited message to an edit of the same message id with the edit time', () => {
    const e = mapped('edited_message', 'message_edited');
    expect(e.messageId).toBe('101');
    expect(e.text).toBe('Здравствуйте! Заказ #4521 не пришёл');
    expect(e.editedAt).toEqual(new Date((1763785200 + 95) * 1000));
    expect(e.sentAt).toEqual(new Date(1763785200 * 1000));
  });

  it('links a reply to the message it answers', () => {
    const e = mapped('reply', 'message');
    expect(e.replyToMessageId).toBe('98');
    expect(e.text).toBe('5 stars, thanks!');
  });

  it('maps a button tap with its data, message, chat and sender', () => {
    const e = mapped('callback_query', 'callback');
    expect(e).toEqual({
      type: 'callback',
      callbackQueryId: '1771402613876543210',
      data: 'csat:5',
      messageId: '98',
      chat: { externalId: '412345678', kind: 'private' },
      sender: anna,
    });
  });

  it('marks /start without a payload', () => {
    const e = mapped('start', 'message');
    expect(e.isStart).toBe(true);
    expect(e.startPayload).toBeUndefined();
  });

  it('keeps the deep-link payload of /start', () => {
    const e = mapped('start_payload', 'message');
    expect(e.isStart).toBe(true);
    expect(e.startPayload).toBe('promo_spring-25');
    expect(e.sender).toMatchObject({ externalId: '5012345678', firstName: 'Tom', languageCode: 'en' });
  });

  it('recognises /start addressed to the bot by name in a group', () => {
    const e = mapped('start_botname', 'message');
    expect(e.isStart).toBe(true);
    expect(e.startPayload).toBeUndefined();
    expect(e.chat.kind).toBe('group');
  });

  it('does not treat text that merely begins with /start as a start command', () => {
    const update = fixture('start');
    (update.message as { text: string }).text = '/startle me';
    const e = mapUpdate(update);
    expect(e?.type).toBe('message');
    expect(e && 'isStart' in e).toBe(false);
  });

  it('reports a user blocking the bot in a private chat', () => {
    const e = mapped('my_chat_member_blocked', 'membership');
    expect(e).toMatchObject({
      change: 'blocked',
      chat: { kind: 'private', externalId: '412345678' },
      actor: anna,
    });
    expect(e.at).toEqual(new Date((1763785200 + 3600) * 1000));
  });

  it('reports a user unblocking the bot', () => {
    expect(mapped('my_chat_member_unblocked', 'membership').change).toBe('unblocked');
  });

  it('reports the bot being added to a group', () => {
    const e = mapped('my_chat_member_group_added', 'membership');
    expect(e).toMatchObject({ change: 'bot_added', chat: { kind: 'group', title: 'Support Team' } });
  });

  it('reports the bot being removed from a supergroup', () => {
    const e = mapped('my_chat_member_group_removed', 'membership');
    expect(e).toMatchObject({ change: 'bot_removed', chat: { kind: 'group', externalId: '-1001987654321' } });
  });

  it('ignores a promotion inside a group, which changes nothing about reaching it', () => {
    const update = fixture('my_chat_member_group_added');
    const m = update.my_chat_member as Record<string, { status: string }>;
    m.old_chat_member!.status = 'member';
    m.new_chat_member!.status = 'administrator';
    expect(mapUpdate(update)).toBeNull();
  });

  it('maps a supergroup message with the group as the chat and the member as the sender', () => {
    const e = mapped('group_message', 'message');
    expect(e.chat).toEqual({
      externalId: '-1001987654321',
      kind: 'group',
      title: 'Switchboard Beta Testers',
    });
    expect(e.sender.externalId).toBe('5012345678');
  });

  it('follows a group becoming a supergroup from the old group', () => {
    expect(mapUpdate(fixture('migrate_to_chat_id'))).toEqual({
      type: 'chat_migrated',
      fromChatExternalId: '-4012345678',
      toChatExternalId: '-1002233445566',
    });
  });

  it('follows a group becoming a supergroup from the new supergroup, to the same pair of ids', () => {
    expect(mapUpdate(fixture('migrate_from_chat_id'))).toEqual({
      type: 'chat_migrated',
      fromChatExternalId: '-4012345678',
      toChatExternalId: '-1002233445566',
    });
  });

  it('ignores channel posts', () => {
    expect(mapUpdate(fixture('channel_post'))).toBeNull();
  });

  it('ignores group service messages such as members joining', () => {
    expect(mapUpdate(fixture('new_chat_members'))).toBeNull();
  });

  it('keeps content it does not model as an unsupported message', () => {
    const e = mapped('poll', 'message');
    expect(e.rawKind).toBe('unsupported');
    expect(e.text).toBeUndefined();
    expect(e.attachments).toEqual([]);
  });

  it('returns null for junk instead of throwing', () => {
    const junk: unknown[] = [
      null,
      undefined,
      42,
      'update',
      [],
      {},
      { update_id: 1 },
      { update_id: 2, inline_query: { id: 'x', from: anna, query: 'q', offset: '' } },
      { update_id: 3, message: 'hello' },
      { update_id: 4, message: { message_id: 1, date: 1, text: 'no chat' } },
      {
        update_id: 5,
        message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, text: 'no sender' },
      },
      { update_id: 6, callback_query: { from: { id: 1, first_name: 'A' } } },
      { update_id: 7, my_chat_member: { chat: { id: 1, type: 'private' } } },
      { update_id: 8, edited_message: { message_id: 'x' } },
    ];
    for (const update of junk) expect(mapUpdate(update)).toBeNull();
  });
});
