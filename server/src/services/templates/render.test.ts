import { describe, expect, it } from 'vitest';
import { pickVariant, renderTemplate, visibleTextOf } from './render.ts';
import type { TemplateSource } from './types.ts';

const workspace = { name: 'Школа «Знание»', timezone: 'Europe/Moscow', locale: 'ru' };
const tg = (body: string, extra: Partial<TemplateSource> = {}): TemplateSource => ({
  format: 'telegram_html',
  body,
  ...extra,
});

describe('escaping', () => {
  it('escapes every inserted value in Telegram HTML, while the template’s own tags stay', () => {
    const r = renderTemplate(tg('Hi <b>{{ contact.firstName }}</b> {{ data.note }}'), {
      contact: { firstName: '<b>Bob</b>' },
      workspace,
      data: { note: '</i><script>alert(1)</script> & "q"' },
    });
    expect(r.html).toBe(
      'Hi <b>&lt;b&gt;Bob&lt;/b&gt;</b> &lt;/i&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;',
    );
    expect(visibleTextOf('telegram_html', r.html)).toBe('Hi <b>Bob</b> </i><script>alert(1)</script> & "q"');
  });

  it('escapes values inside attributes so they cannot break out of them', () => {
    const r = renderTemplate(tg('<a href="{{ data.url }}">link</a>'), {
      contact: {},
      workspace,
      data: { url: 'https://x.example/" onclick="x' },
    });
    expect(r.html).toBe('<a href="https://x.example/&quot; onclick=&quot;x">link</a>');
  });

  it('escapes filter results too', () => {
    const r = renderTemplate(tg('{{ data.a | upcase }}{{ data.a | append: "<i>" }}'), {
      contact: {},
      workspace,
      data: { a: '<x>' },
    });
    expect(r.html).toBe('&lt;X&gt;&lt;x&gt;&lt;i&gt;');
  });

  it('escapes apostrophes for email HTML and nothing for plain text', () => {
    const input = { contact: { firstName: `O'Neil <x>` }, workspace };
    expect(renderTemplate({ format: 'email_html', body: '<p>{{ contact.firstName }}</p>' }, input).html).toBe(
      '<p>O&#39;Neil &lt;x&gt;</p>',
    );
    expect(renderTemplate({ format: 'text', body: '{{ contact.firstName }}' }, input).html).toBe(
      `O'Neil <x>`,
    );
  });

  it('shows missing values as nothing and lists joined with commas', () => {
    const r = renderTemplate(tg('[{{ contact.email }}][{{ contact.tags }}][{{ data.obj }}]'), {
      contact: { tags: ['vip', 'a<b'] },
      workspace,
      data: { obj: { a: 1 } },
    });
    expect(r.html).toBe('[][vip, a&lt;b][]');
  });
});

describe('variables', () => {
  it('offers contact fields, custom attributes, workspace settings and data', () => {
    const r = renderTemplate(
      {
        format: 'text',
        body: '{{ contact.name }}|{{ contact.username }}|{{ contact.attributes.city }}|{{ contact.attributes.plan.level }}|{{ workspace.name }}|{{ workspace.timezone }}|{{ workspace.locale }}|{{ data.order.id }}',
      },
      {
        contact: {
          firstName: 'Анна',
          lastName: 'Иванова',
          username: 'anna',
          attributes: { city: 'Казань', plan: { level: 2 } },
        },
        workspace,
        data: { order: { id: 'A-17' } },
      },
    );
    expect(r.html).toBe('Анна Иванова|anna|Казань|2|Школа «Знание»|Europe/Moscow|ru|A-17');
  });
});

describe('language variants', () => {
  const src = tg('По умолчанию', { variants: { en: 'English', 'pt-BR': 'Português', ru: 'Русский' } });
  const pick = (language: string | null, locale = 'ru') =>
    renderTemplate(src, { contact: { language }, workspace: { ...workspace, locale } });

  it('uses the exact tag first', () => {
    expect(pick('pt-BR')).toMatchObject({ html: 'Português', language: 'pt-BR', variant: 'pt-BR' });
  });
  it('then the primary subtag', () => {
    expect(pick('en-GB')).toMatchObject({ html: 'English', variant: 'en' });
    expect(pick('ru-RU')).toMatchObject({ html: 'Русский', variant: 'ru' });
  });
  it('then the workspace language’s variant, then the default body', () => {
    expect(pick('de')).toMatchObject({ html: 'Русский', variant: 'ru' });
    expect(pick(null, 'kk')).toMatchObject({ html: 'По умолчанию', variant: null, language: 'kk' });
  });
  it('lets the caller override the contact’s language', () => {
    const r = renderTemplate(src, { contact: { language: 'ru' }, workspace, language: 'en' });
    expect(r.html).toBe('English');
  });
  it('matches tags case-insensitively', () => {
    expect(pickVariant(['pt-BR'], 'PT-br', 'ru')).toBe('pt-BR');
  });
});

describe('buttons', () => {
  const src = tg('Заказ {{ data.id }}', {
    variants: { en: 'Order {{ data.id }}' },
    attachmentId: '11111111-1111-1111-1111-111111111111',
    buttons: [
      [
        {
          kind: 'url',
          text: 'Открыть заказ {{ data.id }}',
          url: 'https://shop.example/orders/{{ data.id | url_encode }}',
          textVariants: { en: 'Open order {{ data.id }}' },
        },
      ],
      [{ kind: 'callback', text: 'Отменить', data: 'cancel:{{ data.id }}' }],
    ],
  });

  it('renders texts in the body’s language, URLs and callback data with the same variables', () => {
    const r = renderTemplate(src, { contact: { language: 'en' }, workspace, data: { id: 'A 7' } });
    expect(r.buttons).toEqual([
      [{ kind: 'url', text: 'Open order A 7', url: 'https://shop.example/orders/A+7' }],
      [{ kind: 'callback', text: 'Отменить', data: 'cancel:A 7' }],
    ]);
    expect(r.attachmentId).toBe('11111111-1111-1111-1111-111111111111');
    const ru = renderTemplate(src, { contact: { language: 'ru' }, workspace, data: { id: '5' } });
    expect(ru.buttons[0]![0]!.text).toBe('Открыть заказ 5');
  });

  it('does not HTML-escape button texts (they are plain text)', () => {
    const r = renderTemplate(
      tg('x', { buttons: [[{ kind: 'callback', text: '{{ data.t }}', data: 'x' }]] }),
      {
        contact: {},
        workspace,
        data: { t: 'A & B' },
      },
    );
    expect(r.buttons[0]![0]!.text).toBe('A & B');
  });

  it('refuses a URL that renders to something other than a link', () => {
    const bad = tg('x', { buttons: [[{ kind: 'url', text: 'Go', url: '{{ data.u }}' }]] });
    expect(() => renderTemplate(bad, { contact: {}, workspace, data: { u: 'javascript:alert(1)' } })).toThrow(
      /button URL must start with/,
    );
  });

  it('refuses callback data over 64 bytes', () => {
    const bad = tg('x', { buttons: [[{ kind: 'callback', text: 'Go', data: '{{ data.d }}' }]] });
    expect(() => renderTemplate(bad, { contact: {}, workspace, data: { d: 'я'.repeat(33) } })).toThrow(
      /64 bytes/,
    );
  });
});

describe('cache', () => {
  it('re-parses a template when its version changes', () => {
    const base = { id: '22222222-2222-2222-2222-222222222222', format: 'text' as const };
    const input = { contact: {}, workspace };
    expect(renderTemplate({ ...base, version: 1, body: 'one' }, input).html).toBe('one');
    expect(renderTemplate({ ...base, version: 1, body: 'ignored: same version' }, input).html).toBe('one');
    expect(renderTemplate({ ...base, version: 2, body: 'two' }, input).html).toBe('two');
  });

  it('takes the attachment from the row, not the cache (a deleted file clears it without a new version)', () => {
    const base = {
      id: '33333333-3333-3333-3333-333333333333',
      version: 1,
      format: 'text' as const,
      body: 'x',
    };
    const input = { contact: {}, workspace };
    expect(
      renderTemplate({ ...base, attachmentId: '44444444-4444-4444-4444-444444444444' }, input).attachmentId,
    ).toBe('44444444-4444-4444-4444-444444444444');
    expect(renderTemplate({ ...base, attachmentId: null }, input).attachmentId).toBeNull();
  });
});
