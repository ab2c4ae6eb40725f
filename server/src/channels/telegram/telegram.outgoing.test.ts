import { describe, expect, it } from 'vitest';
import type { OutgoingAttachment, OutgoingMessage } from '../channel.ts';
import { validateHtml } from './telegram.html.ts';
import {
  chatIdParam,
  chatKindOf,
  groupAttachments,
  OutgoingInvalidError,
  partRequest,
  planParts,
  replyMarkup,
  validateButtons,
} from './telegram.outgoing.ts';

const att = (kind: OutgoingAttachment['kind'], n: number): OutgoingAttachment => ({
  kind,
  storageKey: `${kind}-${n}`,
  fileName: `${kind}-${n}`,
});
const base: OutgoingMessage = { chatExternalId: '42' };
const marker = (a: OutgoingAttachment) => `file:${a.storageKey}`;

describe('planParts', () => {
  it('sends short text as one message carrying the reply and the buttons', () => {
    const parts = planParts({
      ...base,
      html: '<b>hi</b>',
      replyToMessageId: '7',
      buttons: { kind: 'remove' },
    });
    expect(parts).toEqual([{ kind: 'text', html: '<b>hi</b>', buttons: true, replyTo: true }]);
  });

  it('splits long text into valid parts: reply on the first, buttons on the last', () => {
    const html = `<b>${'word '.repeat(2000)}</b>`;
    const parts = planParts({
      ...base,
      html,
      replyToMessageId: '7',
      buttons: { kind: 'inline', rows: [[{ kind: 'url', text: 'Open', url: 'https://example.com' }]] },
    });
    expect(parts.length).toBe(3);
    for (const p of parts) expect(p.kind === 'text' && validateHtml(p.html).ok).toBe(true);
    expect(parts.map((p) => [p.replyTo, p.kind === 'album' ? null : p.buttons])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
  });

  it('moves a caption over 1024 characters into following text messages', () => {
    const html = 'x '.repeat(800);
    const parts = planParts({ ...base, html, attachments: [att('photo', 1)] });
    expect(parts.map((p) => p.kind)).toEqual(['media', 'text']);
    const [media, text] = parts as [Extract<(typeof parts)[0], { kind: 'media' }>, { html: string }];
    expect(media.caption.length).toBeLessThanOrEqual(1024);
    expect((media.caption + text.html).replace(/\s/g, '')).toBe(html.replace(/\s/g, ''));
  });

  it('groups photos with videos, documents with documents, and sends voice on its own', () => {
    const groups = groupAttachments([
      att('photo', 1),
      att('document', 1),
      att('video', 1),
      att('voice', 1),
      att('document', 2),
      att('audio', 1),
    ]);
    expect(groups.map((g) => g.map((a) => a.storageKey))).toEqual([
      ['photo-1', 'video-1'],
      ['document-1', 'document-2'],
      ['voice-1'],
      ['audio-1'],
    ]);
  });

  it('cuts more than ten compatible items into albums of ten', () => {
    const groups = groupAttachments(Array.from({ length: 21 }, (_, i) => att('photo', i)));
    expect(groups.map((g) => g.length)).toEqual([10, 10, 1]);
  });

  it('puts the caption on the first album and the buttons on the text after an album', () => {
    const attachments = [att('photo', 1), att('photo', 2)];
    expect(planParts({ ...base, html: 'look', attachments }).map((p) => p.kind)).toEqual(['album']);
    const withButtons = planParts({
      ...base,
      html: 'look',
      attachments,
      buttons: { kind: 'inline', rows: [[{ kind: 'callback', text: 'Like', data: 'like' }]] },
    });
    expect(withButtons).toEqual([
      { kind: 'album', items: attachments, caption: '', replyTo: false },
      { kind: 'text', html: 'look', buttons: true, replyTo: false },
    ]);
  });

  it('refuses buttons on an album without text, and an empty message', () => {
    expect(() =>
      planParts({
        ...base,
        attachments: [att('photo', 1), att('photo', 2)],
        buttons: { kind: 'remove' },
      }),
    ).toThrow(OutgoingInvalidError);
    expect(() => planParts({ ...base, html: '   ' })).toThrow(OutgoingInvalidError);
  });
});

describe('partRequest', () => {
  it('builds sendMessage with HTML, reply parameters, silence and the keyboard', () => {
    const msg: OutgoingMessage = {
      ...base,
      html: 'hi',
      replyToMessageId: '9',
      silent: true,
      buttons: { kind: 'reply', rows: [[{ text: 'Phone', requestContact: true }]], oneTime: true },
    };
    const [part] = planParts(msg);
    expect(partRequest(part!, msg, marker)).toEqual({
      method: 'sendMessage',
      payload: {
        chat_id: 42,
        text: 'hi',
        parse_mode: 'HTML',
        reply_parameters: { message_id: 9, allow_sending_without_reply: true },
        disable_notification: true,
        reply_markup: {
          keyboard: [[{ text: 'Phone', request_contact: true }]],
          one_time_keyboard: true,
          resize_keyboard: true,
        },
      },
    });
  });

  it('builds sendDocument and sendMediaGroup with the caption on the first item', () => {
    const one: OutgoingMessage = { ...base, html: 'doc', attachments: [att('document', 1)] };
    expect(partRequest(planParts(one)[0]!, one, marker)).toEqual({
      method: 'sendDocument',
      payload: { chat_id: 42, document: 'file:document-1', caption: 'doc', parse_mode: 'HTML' },
    });
    const album: OutgoingMessage = { ...base, html: 'pics', attachments: [att('photo', 1), att('video', 2)] };
    expect(partRequest(planParts(album)[0]!, album, marker)).toEqual({
      method: 'sendMediaGroup',
      payload: {
        chat_id: 42,
        media: [
          { type: 'photo', media: 'file:photo-1', caption: 'pics', parse_mode: 'HTML' },
          { type: 'video', media: 'file:video-2' },
        ],
      },
    });
  });
});

describe('buttons', () => {
  it('accepts callback data of 64 bytes and refuses 65 (counted in UTF-8)', () => {
    const kb = (data: string) => ({
      kind: 'inline' as const,
      rows: [[{ kind: 'callback' as const, text: 'ok', data }]],
    });
    expect(validateButtons(kb('x'.repeat(64)))).toEqual([]);
    expect(validateButtons(kb('я'.repeat(33)))).toEqual([
      { path: '/buttons/rows/0/0/data', message: 'callback data must be 1 to 64 bytes (UTF-8), got 66' },
    ]);
  });

  it('refuses URL buttons without an http(s) or tg URL and empty button text', () => {
    expect(
      validateButtons({
        kind: 'inline',
        rows: [[{ kind: 'url', text: ' ', url: 'javascript:alert(1)' }]],
      }).map((p) => p.path),
    ).toEqual(['/buttons/rows/0/0/text', '/buttons/rows/0/0/url']);
  });

  it('maps inline and remove keyboards to Telegram markup', () => {
    expect(
      replyMarkup({
        kind: 'inline',
        rows: [
          [
            { kind: 'url', text: 'Site', url: 'https://x.test' },
            { kind: 'callback', text: 'Yes', data: 'y' },
          ],
        ],
      }),
    ).toEqual({
      inline_keyboard: [
        [
          { text: 'Site', url: 'https://x.test' },
          { text: 'Yes', callback_data: 'y' },
        ],
      ],
    });
    expect(replyMarkup({ kind: 'remove' })).toEqual({ remove_keyboard: true });
  });
});

describe('chats', () => {
  it('sends numeric ids as numbers and tells groups by the sign', () => {
    expect(chatIdParam('-1001234567890')).toBe(-1001234567890);
    expect(chatIdParam('@news')).toBe('@news');
    expect(chatKindOf('-5')).toBe('group');
    expect(chatKindOf('5')).toBe('private');
  });
});
