import { describe, expect, test } from 'vitest';
import { trimQuoted } from './email.quotes.ts';

describe('trimQuoted', () => {
  test('cuts a Gmail English reply at "On … wrote:"', () => {
    const text = [
      'Thanks, the parcel arrived today.',
      '',
      'On Mon, Dec 7, 2026 at 10:02 AM Shop Support <support@shop.example> wrote:',
      '> Your order #1042 has shipped.',
      '>',
      '> Regards, Shop',
    ].join('\n');
    expect(trimQuoted(text)).toEqual({ text: 'Thanks, the parcel arrived today.', trimmed: true });
  });

  test('cuts an attribution wrapped over two lines', () => {
    const text = [
      'Yes, Tuesday works.',
      '',
      'On Mon, 7 Dec 2026 at 10:02, Shop Support Team of the Example Shop',
      '<support@shop.example> wrote:',
      '> Can we call you on Tuesday?',
    ].join('\n');
    expect(trimQuoted(text).text).toBe('Yes, Tuesday works.');
  });

  test('cuts Russian Gmail and Yandex attributions', () => {
    const gmail = [
      'Спасибо, оплату получили?',
      '',
      'пн, 7 дек. 2026 г. в 10:02, Служба поддержки <support@shop.example>:',
      '> Здравствуйте! Ваш заказ оформлен.',
    ].join('\n');
    expect(trimQuoted(gmail).text).toBe('Спасибо, оплату получили?');
    const yandex = [
      'Добрый день, когда доставка?',
      '',
      '07.12.2026, 10:02, "Магазин" <support@shop.example>:',
      '> Ваш заказ отправлен.',
    ].join('\n');
    expect(trimQuoted(yandex).text).toBe('Добрый день, когда доставка?');
  });

  test('cuts "пишет:" and "написал(а):" attributions', () => {
    expect(trimQuoted(['Да, всё верно.', '', 'Магазин пишет:', '> Подтвердите адрес.'].join('\n')).text).toBe(
      'Да, всё верно.',
    );
    expect(
      trimQuoted(
        [
          'Хорошо, жду.',
          '',
          '7 декабря 2026 г., 10:02 пользователь Магазин написал(а):',
          '> Курьер приедет завтра.',
        ].join('\n'),
      ).text,
    ).toBe('Хорошо, жду.');
  });

  test('cuts Outlook header blocks in English and Russian', () => {
    const en = [
      'Please cancel it.',
      '',
      '________________________________',
      'From: Shop Support <support@shop.example>',
      'Sent: Monday, December 7, 2026 10:02 AM',
      'To: Anna <anna@example.com>',
      'Subject: Your order',
      '',
      'Your order has shipped.',
    ].join('\n');
    expect(trimQuoted(en).text).toBe('Please cancel it.');
    const ru = [
      'Прошу отменить заказ.',
      '',
      'От: Служба поддержки <support@shop.example>',
      'Отправлено: 7 декабря 2026 г. 10:02',
      'Кому: Анна <anna@example.com>',
      'Тема: Ваш заказ',
      '',
      'Ваш заказ отправлен.',
    ].join('\n');
    expect(trimQuoted(ru).text).toBe('Прошу отменить заказ.');
  });

  test('cuts "-----Original Message-----" and its Russian twin', () => {
    expect(trimQuoted('Got it.\n\n-----Original Message-----\nFrom: support@shop.example\nHello').text).toBe(
      'Got it.',
    );
    expect(
      trimQuoted('Принято.\n\n-------- Исходное сообщение --------\nОт: support@shop.example').text,
    ).toBe('Принято.');
  });

  test('drops the signature and the mobile footer', () => {
    expect(trimQuoted('See you then.\n\n-- \nAnna Smith\nACME Ltd').text).toBe('See you then.');
    expect(trimQuoted('Ок, спасибо\n\nОтправлено с iPhone').text).toBe('Ок, спасибо');
    expect(trimQuoted('Thanks!\n\nSent from my iPhone').text).toBe('Thanks!');
  });

  test('keeps quotes interleaved with answers, drops only the trailing quote', () => {
    const text = ['> Which size?', 'M, please.', '> Which colour?', 'Blue.', '', '> Thanks, Shop'].join('\n');
    expect(trimQuoted(text).text).toBe('> Which size?\nM, please.\n> Which colour?\nBlue.');
  });

  test('leaves a mail without history alone', () => {
    const text = 'Hello,\n\nwhere is my order #1042? I paid on 7 Dec 2026 at 10:02.\n\nAnna';
    expect(trimQuoted(text)).toEqual({ text, trimmed: false });
  });

  test('does not take a customer line ending with an address for an attribution', () => {
    const text = 'Please write to my other address anna@example.com:';
    expect(trimQuoted(text)).toEqual({ text, trimmed: false });
    // "Out of office hours" text and a lone "On …" sentence stay too.
    const other = 'On Monday I wrote to you about the refund.\nAny news?';
    expect(trimQuoted(other).text).toBe(other);
  });

  test('keeps the whole text of a mail that is only a quote', () => {
    const text = 'On Mon, Dec 7, 2026 at 10:02 AM Shop <support@shop.example> wrote:\n> Hello';
    expect(trimQuoted(text)).toEqual({ text, trimmed: false });
  });
});
