import { describe, expect, it } from 'vitest';
import { MAX_OUTPUT } from './engine.ts';
import { renderTemplate } from './render.ts';
import { TemplateError, type TemplateFormat } from './types.ts';
import { validateTemplate } from './validate.ts';

const workspace = { name: 'Shop', timezone: 'Europe/Moscow', locale: 'en' };
const render = (body: string, data: Record<string, unknown> = {}, format: TemplateFormat = 'text') =>
  renderTemplate({ format, body }, { contact: { firstName: 'Ann' }, workspace, data }).html;
/** The TemplateError a call throws (fails the test when it throws nothing or something else). */
function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}
const validate = (body: string, format: TemplateFormat = 'telegram_html') =>
  errorOf(() => validateTemplate({ format, body }, workspace));

describe('sandbox', () => {
  it('gives no access to prototypes or constructors', () => {
    expect(
      render(
        '[{{ contact.constructor }}][{{ contact.__proto__ }}][{{ contact.firstName.constructor.name }}][{{ data.toString }}][{{ contact.tags.constructor }}]',
      ),
    ).toBe('[][][][][]');
    expect(
      render(
        '[{{ contact.constructor.constructor.name }}][{{ data["__proto__"] }}][{{ contact["constructor"] }}]',
      ),
    ).toBe('[][][]');
  });

  it('refuses include, render and layout at parse, naming the tag', () => {
    for (const tag of ['include', 'render', 'layout']) {
      const e = errorOf(() => render(`ok\n{% ${tag} "secrets" %}`));
      expect(e.message).toContain(`"${tag}" tag is not available`);
      expect([e.line, e.column]).toEqual([2, 1]);
    }
  });

  it('refuses the raw filter, so values cannot skip escaping', () => {
    expect(errorOf(() => render('{{ data.x | raw }}', {}, 'telegram_html')).message).toMatch(
      /raw.*not available/,
    );
  });

  it('stops a loop that would build a huge range', () => {
    const e = errorOf(() => render('{% for i in (1..100000000) %}{% endfor %}'));
    expect(e.message).toMatch(/too much data/);
  });

  it('stops output beyond the size limit while it is written', () => {
    const e = errorOf(() => render('{% for i in (1..100000) %}0123456789{% endfor %}'));
    expect(e.message).toContain(`output longer than ${MAX_OUTPUT} characters`);
  });

  it('stops a string that doubles itself forever', () => {
    const e = errorOf(() =>
      render(
        '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}',
      ),
    );
    expect(e.message).toMatch(/too much data|took longer/);
  });

  it('stops nested loops that run too long', () => {
    const e = errorOf(() =>
      render('{% for i in (1..5000) %}{% for j in (1..5000) %}{% assign x = j %}{% endfor %}{% endfor %}'),
    );
    expect(e.message).toMatch(/took longer than \d+ ms|too much data/);
  });
});

describe('errors at save, with line and column', () => {
  it('reports an unknown filter where it is used', () => {
    const e = validate('Hello\n  {{ contact.firstName | shout }}');
    expect(e).toMatchObject({ path: '/body', line: 2, column: 3 });
    expect(e.message).toContain('unknown filter "shout"');
  });

  it('reports an unclosed tag', () => {
    const e = validate('one\ntwo {% if data.x %}three');
    expect(e).toMatchObject({ line: 2, column: 5 });
    expect(e.message).toContain('not closed');
  });

  it('reports a broken output', () => {
    expect(validate('a {{ data.x ')).toMatchObject({ line: 1, column: 3 });
  });

  it('names the variant the problem is in', () => {
    const e = errorOf(() =>
      validateTemplate(
        { format: 'telegram_html', body: 'ok', variants: { en: 'fine\n{{ x | nope }}' } },
        workspace,
      ),
    );
    expect(e).toMatchObject({ path: '/variants/en', line: 2, column: 1 });
  });

  it('names the button part the problem is in', () => {
    const e = errorOf(() =>
      validateTemplate(
        {
          format: 'telegram_html',
          body: 'ok',
          buttons: [[{ kind: 'url', text: '{{ x | nope }}', url: 'https://a.b' }]],
        },
        workspace,
      ),
    );
    expect(e.path).toBe('/buttons/0/0/text');
  });
});

describe('Telegram markup at save', () => {
  it('accepts Telegram’s tags around values', () => {
    expect(() =>
      validateTemplate(
        {
          format: 'telegram_html',
          body: '<b>{{ contact.firstName }}</b>, <a href="{{ data.url }}">link</a> <tg-spoiler>x</tg-spoiler> {% if data.vip %}<i>VIP</i>{% endif %} &lt;3',
        },
        workspace,
      ),
    ).not.toThrow();
  });

  it('refuses tags Telegram does not support, at their position', () => {
    const e = validate('Hi\n<div>{{ contact.firstName }}</div>');
    expect(e.message).toContain('unsupported tag <div>');
    expect([e.line, e.column]).toEqual([2, 1]);
  });

  it('refuses an unclosed tag and a bare ampersand', () => {
    expect(validate('<b>{{ contact.firstName }}').message).toContain('<b> is never closed');
    expect(validate('Tom & Jerry')).toMatchObject({ line: 1, column: 5 });
  });

  it('refuses markup that only breaks in one branch', () => {
    expect(validate('{% if contact.firstName %}<b>{% endif %}hi').message).toContain('never closed');
  });

  it('allows any HTML in email templates and any text in plain ones', () => {
    expect(() =>
      validateTemplate({ format: 'email_html', body: '<div>{{ contact.firstName }}</div>' }, workspace),
    ).not.toThrow();
    expect(() => validateTemplate({ format: 'text', body: 'a < b & c' }, workspace)).not.toThrow();
  });
});
