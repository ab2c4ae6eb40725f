import { describe, expect, it } from 'vitest';
import type { Message } from '../../lib/types.ts';
import { scopeParams } from './api.ts';
import {
  canSend,
  EMOJI,
  insertAtCaret,
  messageBody,
  type PendingUpload,
  quoteText,
} from './composer-logic.ts';
import { previewOf } from './preview.ts';

const message = (over: Partial<Message> = {}): Message => ({
  id: 'm1',
  conversationId: 'c1',
  messageType: 'incoming',
  senderType: 'contact',
  senderUserId: null,
  content: 'Где мой заказ?',
  contentAttributes: {},
  deletedAt: null,
  editedAt: null,
  deliveryStatus: null,
  deliveryError: null,
  createdAt: '2026-12-01T10:00:00Z',
  attachments: [],
  ...over,
});
const upload = (status: PendingUpload['status'], attachmentId?: string): PendingUpload => ({
  key: `k-${attachmentId ?? status}`,
  name: 'photo.png',
  size: 10,
  status,
  attachmentId,
});

describe('emoji insertion', () => {
  it('puts the emoji at the caret and moves the caret after it', () => {
    expect(insertAtCaret('Спасибо!', 7, 7, '🙏')).toEqual({ text: 'Спасибо🙏!', caret: 9 });
  });

  it('replaces a selection', () => {
    expect(insertAtCaret('ok good', 3, 7, '👍')).toEqual({ text: 'ok 👍', caret: 5 });
  });

  it('appends when the field never had a caret, and clamps positions out of range', () => {
    expect(insertAtCaret('Hi', null, null, '👋')).toEqual({ text: 'Hi👋', caret: 4 });
    expect(insertAtCaret('Hi', 10, 12, '👋')).toEqual({ text: 'Hi👋', caret: 4 });
    expect(insertAtCaret('Hi', 2, 1, '👋')).toEqual({ text: 'Hi👋', caret: 4 });
  });

  it('offers a small set without repeats', () => {
    expect(new Set(EMOJI).size).toBe(EMOJI.length);
    expect(EMOJI.length).toBeLessThanOrEqual(48);
  });
});

describe('sending with attachments and reply-to', () => {
  it('sends text, or files alone, but never while a file is still uploading', () => {
    expect(canSend('', [], false)).toBe(false);
    expect(canSend('  ', [], false)).toBe(false);
    expect(canSend('hi', [], false)).toBe(true);
    expect(canSend('', [upload('ready', 'a1')], false)).toBe(true);
    expect(canSend('hi', [upload('ready', 'a1'), upload('uploading')], false)).toBe(false);
    expect(canSend('', [upload('failed')], false)).toBe(false);
    expect(canSend('hi', [], true)).toBe(false);
  });

  it('sends stored attachment ids in order, skips failed ones, and quotes with replyToMessageId', () => {
    const body = messageBody({
      content: 'Вот накладная',
      note: false,
      uploads: [upload('ready', 'a1'), upload('failed'), upload('ready', 'a2')],
      replyTo: message({ id: 'q1' }),
    });
    expect(body).toEqual({
      content: 'Вот накладная',
      private: false,
      attachmentIds: ['a1', 'a2'],
      replyToMessageId: 'q1',
    });
  });

  it('leaves out empty content and, for notes, the quote', () => {
    expect(
      messageBody({ content: '', note: false, uploads: [upload('ready', 'a1')], replyTo: null }),
    ).toEqual({
      private: false,
      attachmentIds: ['a1'],
    });
    expect(messageBody({ content: 'x', note: true, uploads: [], replyTo: message() })).toEqual({
      content: 'x',
      private: true,
    });
  });

  it('quotes a message on one line: customer text as is, ours without markup, media as a clip', () => {
    expect(quoteText(message({ content: 'a <b>\nb' }))).toBe('a <b> b');
    expect(quoteText(message({ messageType: 'outgoing', content: '<b>Готово</b> &amp; отправлено' }))).toBe(
      'Готово & отправлено',
    );
    expect(quoteText(message({ content: null, attachments: [{} as never] }))).toBe('📎');
    expect(quoteText(message({ content: 'x'.repeat(200) }), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('conversation list', () => {
  it('turns the scope picker into the list filter', () => {
    expect(scopeParams('team:t1')).toEqual({ teamId: 't1' });
    expect(scopeParams('channel:c1')).toEqual({ channelId: 'c1' });
    expect(scopeParams('label:VIP: gold')).toEqual({ label: 'VIP: gold' });
    expect(scopeParams('')).toEqual({});
    expect(scopeParams(undefined)).toEqual({});
    expect(scopeParams('other:x')).toEqual({});
  });

  it('previews the last message: who for ours, text without markup, files and deletions', () => {
    const last = {
      id: 'm',
      messageType: 'incoming',
      content: '<i>hi</i>',
      attachments: 0,
      deleted: false,
      createdAt: '',
    };
    expect(previewOf(last)).toEqual({ who: null, text: '<i>hi</i>', attachments: 0, deleted: false });
    expect(previewOf({ ...last, messageType: 'outgoing' })?.who).toBe('inbox.preview.you');
    expect(previewOf({ ...last, messageType: 'outgoing' })?.text).toBe('hi');
    expect(previewOf({ ...last, messageType: 'note', attachments: 2 })).toMatchObject({
      who: 'inbox.preview.note',
      attachments: 2,
    });
    expect(previewOf({ ...last, content: null, deleted: true })?.deleted).toBe(true);
    expect(previewOf(null)).toBeNull();
  });
});
