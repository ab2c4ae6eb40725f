import { describe, expect, it } from 'vitest';
import type { TemplateRow } from '../db/schema.ts';
import { emailMessage, telegramMessage } from './notification-message.ts';

const workspace = { name: 'Школа «Луч»', timezone: 'Europe/Moscow', locale: 'ru' };
const links = {
  pageUrl: 'https://sb.example.com/p/TOKEN?a=1&b=2',
  oneClickUrl: 'https://sb.example.com/p/TOKEN/unsubscribe',
};

function template(over: Partial<TemplateRow>): TemplateRow {
  return {
    id: `t-${Math.random()}`,
    key: null,
    name: 't',
    format: 'telegram_html',
    body: '',
    variants: {},
    buttons: [],
    attachmentId: null,
    sampleData: {},
    builtIn: false,
    version: 1,
    createdAt: new Date(),
    updatedAt: new Date(),
    subject: null,
    subjectVariants: {},
    ...over,
  };
}

const lesson = template({
  body: 'Новый урок: <b>{{ data.lesson }}</b>',
  variants: { en: 'New lesson: <b>{{ data.lesson }}</b>' },
  buttons: [[{ kind: 'url', text: 'Открыть', url: '{{ data.url }}', textVariants: { en: 'Open' } }]],
});
const lessonMail = template({
  format: 'email_html',
  body: '<p>Урок {{ data.lesson }}: <a href="{{ data.url }}">открыть</a></p>',
  variants: { en: '<p>Lesson {{ data.lesson }}: <a href="{{ data.url }}">open</a></p>' },
  subject: 'Урок {{ data.lesson }}',
  subjectVariants: { en: 'Lesson {{ data.lesson }}' },
});
const item = (n: number) => ({ lesson: `L${n}`, url: `https://example.com/l/${n}` });

describe('telegramMessage', () => {
  it('renders one event with its buttons in the contact’s language', () => {
    const m = telegramMessage({ template: lesson, contact: { language: 'en' }, workspace, items: [item(1)] });
    expect(m).toEqual({
      html: 'New lesson: <b>L1</b>',
      buttons: [[{ kind: 'url', text: 'Open', url: 'https://example.com/l/1' }]],
      language: 'en',
    });
  });

  it('lists a digest’s events under one heading, without buttons (they belong to single events)', () => {
    const m = telegramMessage({
      template: lesson,
      contact: { language: 'ru' },
      workspace,
      items: [item(1), item(2), item(3)],
    });
    expect(m.html.startsWith('<b>Новых уведомлений: 3</b>')).toBe(true);
    expect(m.html).toMatch(/L1[\s\S]*L2[\s\S]*L3/);
    expect(m.buttons).toEqual([]);
  });
});

describe('emailMessage', () => {
  it('renders the subject of the body’s language, an HTML and a text part, and a footer link', () => {
    const m = emailMessage({
      template: lessonMail,
      contact: { language: 'en' },
      workspace,
      items: [item(1)],
      fallbackSubject: 'Lessons',
      links,
      marketing: false,
    });
    expect(m.subject).toBe('Lesson L1');
    expect(m.html).toContain('<a href="https://example.com/l/1">open</a>');
    expect(m.html).toContain('href="https://sb.example.com/p/TOKEN?a=1&amp;b=2"');
    expect(m.text).toBe(
      'Lesson L1: open (https://example.com/l/1)\n\n--\nManage notifications: https://sb.example.com/p/TOKEN?a=1&b=2\n',
    );
    expect(m.headers).toEqual({});
  });

  it('adds RFC 8058 headers to marketing mail and says unsubscribe in the footer', () => {
    const m = emailMessage({
      template: lessonMail,
      contact: { language: 'ru' },
      workspace,
      items: [item(1)],
      fallbackSubject: 'x',
      links,
      marketing: true,
    });
    expect(m.headers).toEqual({
      'List-Unsubscribe': '<https://sb.example.com/p/TOKEN/unsubscribe>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(m.text).toContain('Настроить уведомления или отписаться: ');
  });

  it('uses the fallback subject without a template subject, marks a digest “(+N)”, and keeps the subject one line', () => {
    const noSubject = template({ format: 'email_html', body: '<p>{{ data.lesson }}</p>' });
    const digest = emailMessage({
      template: noSubject,
      contact: {},
      workspace,
      items: [item(1), item(2), item(3)],
      fallbackSubject: 'Новые уроки',
      links,
      marketing: false,
    });
    expect(digest.subject).toBe('Новые уроки (+2)');
    expect(digest.html).toContain('<h3>Новых уведомлений: 3</h3>');
    const multiline = emailMessage({
      template: lessonMail,
      contact: {},
      workspace,
      items: [{ lesson: 'A\r\nBcc: evil@example.com' }],
      fallbackSubject: 'x',
      links,
      marketing: false,
    });
    expect(multiline.subject).toBe('Урок A Bcc: evil@example.com');
  });
});
