import { describe, expect, it } from 'vitest';
import type { MessageContent } from '../channels/channel.ts';
import { messageAttributes, messageText, sameContent } from './conversation-content.ts';

const base: MessageContent = {
  messageId: '10',
  chat: { externalId: '1', kind: 'private' },
  sender: { externalId: '1', firstName: 'A', isBot: false },
  sentAt: new Date('2026-11-22T10:00:00Z'),
  attachments: [],
  rawKind: 'text',
};

describe('message attributes', () => {
  it('keeps only what the message has, always with its raw kind', () => {
    expect(messageAttributes({ ...base, text: 'hi' })).toEqual({ rawKind: 'text' });
    expect(
      messageAttributes({
        ...base,
        rawKind: 'photo',
        text: 'caption',
        entities: [{ type: 'bold', offset: 0, length: 3 }],
        mediaGroupId: 'g1',
        replyToMessageId: '9',
      }),
    ).toEqual({
      rawKind: 'photo',
      entities: [{ type: 'bold', offset: 0, length: 3 }],
      mediaGroupId: 'g1',
      replyToSourceId: '9',
    });
  });

  it('keeps a location, a contact card and the /start payload', () => {
    const attrs = messageAttributes({
      ...base,
      location: { latitude: 55.75, longitude: 37.61 },
      contactCard: { phoneNumber: '+7900', firstName: 'I' },
      isStart: true,
      startPayload: 'promo',
    });
    expect(attrs).toMatchObject({
      location: { latitude: 55.75, longitude: 37.61 },
      contactCard: { phoneNumber: '+7900', firstName: 'I' },
      isStart: true,
      startPayload: 'promo',
    });
  });

  it('takes the text or caption as content, null when there is none', () => {
    expect(messageText({ ...base, text: 'caption' })).toBe('caption');
    expect(messageText(base)).toBeNull();
  });
});

describe('sameContent', () => {
  it('ignores key order (jsonb reorders keys) but not values', () => {
    const a = {
      content: 'x',
      contentAttributes: { rawKind: 'text', entities: [{ type: 'bold', offset: 0, length: 1 }] },
    };
    const reordered = {
      content: 'x',
      contentAttributes: { entities: [{ length: 1, offset: 0, type: 'bold' }], rawKind: 'text' },
    };
    expect(sameContent(a, reordered)).toBe(true);
    expect(sameContent(a, { ...a, content: 'y' })).toBe(false);
    expect(sameContent(a, { ...a, contentAttributes: { rawKind: 'text' } })).toBe(false);
  });
});
