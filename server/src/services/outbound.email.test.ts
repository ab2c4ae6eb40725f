import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../db/schema.ts';
import { SecretBox } from '../lib/secret-box.ts';
import { emailHtmlOf, emailReplyOf, plainTextOf, replySubject } from './outbound.email.ts';

describe('replySubject', () => {
  it('puts one Re: before the customer’s subject, whatever prefixes it already had', () => {
    expect(replySubject('Вопрос по оплате', 'Поддержка')).toBe('Re: Вопрос по оплате');
    expect(replySubject('RE: Re:  AW: Ответ: Вопрос', 'Поддержка')).toBe('Re: Вопрос');
    expect(replySubject('Re[2]: счёт', 'Поддержка')).toBe('Re: счёт');
    expect(replySubject('Fwd: договор', 'Поддержка')).toBe('Re: договор');
  });

  it('keeps words that merely start like a prefix, and falls back to the channel’s name', () => {
    expect(replySubject('Return policy', 'Support')).toBe('Re: Return policy');
    expect(replySubject('   ', 'Поддержка')).toBe('Re: Поддержка');
    expect(replySubject(null, 'Поддержка')).toBe('Re: Поддержка');
  });
});

describe('emailHtmlOf', () => {
  it('turns line breaks into <br> outside <pre> and drops Telegram-only tags but keeps their text', () => {
    const html = emailHtmlOf(
      'Привет!\n<b>Код</b>: <tg-spoiler>1234</tg-spoiler>\n<pre>a\nb</pre>\n<span class="tg-spoiler">тайна</span>',
    );
    expect(html).toContain('Привет!<br>\n<b>Код</b>: 1234<br>\n<pre>a\nb</pre><br>\nтайна');
    expect(html).toMatch(/^<!doctype html><html><body>.*<\/body><\/html>$/s);
  });
});

describe('plainTextOf', () => {
  it('keeps each link’s address after its words, once', () => {
    expect(
      plainTextOf(
        'Оплата: <a href="https://pay.test/?a=1&amp;b=2">ссылка</a>\n<a href="https://x.test">https://x.test</a>',
      ),
    ).toBe('Оплата: ссылка (https://pay.test/?a=1&b=2)\nhttps://x.test');
  });
});

describe('emailReplyOf', () => {
  const box = new SecretBox(randomBytes(32));
  const channel = {
    id: randomUUID(),
    name: 'Support',
    type: 'email',
    settings: { address: 'help@shop.test', smtp: { host: 'smtp.shop.test', port: 587 } },
  } as unknown as Channel;
  const conversation = { id: randomUUID(), chatExternalId: 'anna@customer.test', title: 'Вопрос' };
  const mail = (senderType: 'user' | 'bot') =>
    emailReplyOf(
      box,
      channel,
      conversation,
      { id: randomUUID(), content: 'Ответ', senderType },
      undefined,
      [],
    );

  it('marks mail no person wrote as Auto-Submitted (RFC 3834), and only that', () => {
    expect(mail('bot').headers).toEqual({ 'Auto-Submitted': 'auto-replied' });
    expect(mail('user').headers).toBeUndefined();
  });
});
