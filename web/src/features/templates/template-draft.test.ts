import { describe, expect, it } from 'vitest';
import {
  addButton,
  BUTTON_LIMITS,
  draftFromTemplate,
  emptyDraft,
  fieldOf,
  insertSnippet,
  previewBody,
  problemsByField,
  removeButton,
  saveBody,
  type Template,
  updateButton,
  variantLanguages,
} from './template-draft.ts';
import { variablesOf } from './variables-help.ts';

const saved: Template = {
  id: 't1',
  key: 'promo',
  name: 'Promo',
  format: 'telegram_html',
  body: 'Скидка {{ data.discount }}',
  variants: { en: 'Discount {{ data.discount }}', de: 'Rabatt' },
  buttons: [
    [
      {
        kind: 'url',
        text: 'Open',
        url: 'https://shop.example/?c={{ contact.id }}',
        textVariants: { ru: 'Открыть' },
      },
      { kind: 'callback', text: 'Later', data: 'later' },
    ],
  ],
  attachmentId: null,
  sampleData: { discount: '10%' },
  subject: null,
  subjectVariants: {},
  builtIn: false,
  version: 3,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-02T00:00:00Z',
};

describe('template draft', () => {
  it('loads a template and saves it back unchanged', () => {
    const draft = draftFromTemplate(saved);
    expect(variantLanguages(draft)).toEqual(['ru', 'en', 'de']);
    expect(draft.variants.ru).toBe('');
    const body = saveBody(draft);
    expect(body).toEqual({
      body: {
        name: 'Promo',
        key: 'promo',
        format: 'telegram_html',
        body: saved.body,
        variants: saved.variants,
        buttons: saved.buttons,
        attachmentId: null,
        sampleData: { discount: '10%' },
      },
    });
  });

  it('leaves blank variants out, so that language gets the default body', () => {
    const draft = { ...emptyDraft(), name: 'N', body: 'Hi', variants: { ru: 'Привет', en: '  ' } };
    const body = saveBody(draft);
    expect('body' in body && body.body.variants).toEqual({ ru: 'Привет' });
    expect('body' in body && body.body.key).toBeNull();
  });

  it('sends a subject for email templates only, and leaves blank per-language texts out', () => {
    const email = {
      ...emptyDraft(),
      name: 'Mail',
      body: '<p>Hi</p>',
      format: 'email_html' as const,
      subject: 'Hello {{ contact.firstName }}',
      subjectVariants: { ru: 'Привет', en: '' },
    };
    expect(saveBody(email)).toMatchObject({
      body: { subject: 'Hello {{ contact.firstName }}', subjectVariants: { ru: 'Привет' } },
    });
    const telegram = saveBody({ ...email, format: 'telegram_html' });
    expect('body' in telegram && 'subject' in telegram.body).toBe(false);
    const withButton = {
      ...emptyDraft(),
      buttons: [
        [
          {
            kind: 'url' as const,
            text: 'Go',
            target: 'https://a.example',
            textVariants: { ru: 'Вперёд', en: ' ' },
          },
        ],
      ],
    };
    expect(
      'body' in saveBody(withButton) && (saveBody(withButton) as { body: { buttons: unknown } }).body.buttons,
    ).toEqual([[{ kind: 'url', text: 'Go', url: 'https://a.example', textVariants: { ru: 'Вперёд' } }]]);
  });

  it('refuses sample data that is not a JSON object before asking the API', () => {
    expect(saveBody({ ...emptyDraft(), sampleData: '[1]' })).toEqual({ problem: 'object' });
    expect(saveBody({ ...emptyDraft(), sampleData: '{oops' })).toEqual({ problem: 'json' });
    expect(saveBody({ ...emptyDraft(), sampleData: '' })).toMatchObject({ body: { sampleData: {} } });
  });

  it('builds the live preview request for a contact and a language, and none for an empty body', () => {
    const draft = draftFromTemplate(saved);
    expect(previewBody(draft, { contactId: 'c1', language: 'en' })).toEqual({
      format: 'telegram_html',
      body: saved.body,
      variants: saved.variants,
      buttons: saved.buttons,
      contactId: 'c1',
      language: 'en',
      data: { discount: '10%' },
    });
    expect(previewBody(draft, {})).not.toHaveProperty('contactId');
    expect(previewBody({ ...draft, body: ' ' }, {})).toBeNull();
    // Unparseable sample data leaves data out rather than blocking the preview.
    expect(previewBody({ ...draft, sampleData: '{' }, {})).not.toHaveProperty('data');
  });
});

describe('buttons', () => {
  it('adds rows and buttons within Telegram’s limits', () => {
    let rows = addButton([], null, 'url');
    expect(rows).toEqual([[{ kind: 'url', text: '', target: 'https://' }]]);
    rows = addButton(rows, 0, 'callback');
    expect(rows[0]!.map((b) => b.kind)).toEqual(['url', 'callback']);
    let full = rows;
    for (let i = 0; i < 20; i++) full = addButton(full, 0, 'url');
    expect(full[0]).toHaveLength(BUTTON_LIMITS.perRow);
    let many = rows;
    for (let i = 0; i < 20; i++) many = addButton(many, null, 'url');
    expect(many).toHaveLength(BUTTON_LIMITS.rows);
  });

  it('changes a button, clearing a target of the other kind', () => {
    const rows = [[{ kind: 'url' as const, text: 'Go', target: 'https://a.example' }]];
    expect(updateButton(rows, 0, 0, { text: 'Open' })[0]![0]).toEqual({
      kind: 'url',
      text: 'Open',
      target: 'https://a.example',
    });
    expect(updateButton(rows, 0, 0, { kind: 'callback' })[0]![0]).toEqual({
      kind: 'callback',
      text: 'Go',
      target: '',
    });
    expect(rows[0]![0]!.text).toBe('Go');
  });

  it('removes a button and a row left empty', () => {
    const rows = addButton(addButton(addButton([], null, 'url'), 0, 'url'), null, 'callback');
    expect(removeButton(rows, 0, 0)).toHaveLength(2);
    expect(removeButton(rows, 1, 0)).toHaveLength(1);
  });
});

describe('API problems mapped to fields', () => {
  it('reads the service’s and the schema’s paths alike', () => {
    expect(fieldOf('/body')).toBe('body');
    expect(fieldOf('/variants/en')).toBe('variants.en');
    expect(fieldOf('/buttons/0/1/text')).toBe('buttons.0.1.text');
    expect(fieldOf('body/buttons/0/1/url')).toBe('buttons.0.1.url');
    expect(fieldOf('body/body')).toBe('body');
    expect(fieldOf('body/name')).toBe('name');
    expect(fieldOf(undefined)).toBe('');
  });

  it('groups problems by field', () => {
    expect(
      problemsByField([
        { path: '/body', message: 'invalid Telegram HTML: <b> is never closed (line 1, column 1)' },
        { path: '/body', message: 'second' },
        { path: '/variants/en', message: 'unknown filter' },
        { message: 'no path' },
      ]),
    ).toEqual({
      body: ['invalid Telegram HTML: <b> is never closed (line 1, column 1)', 'second'],
      'variants.en': ['unknown filter'],
      '': ['no path'],
    });
  });
});

describe('variables panel', () => {
  it('puts a snippet at the caret or over the selection', () => {
    expect(insertSnippet('Hello !', 6, 6, '{{ contact.firstName }}')).toEqual({
      text: 'Hello {{ contact.firstName }}!',
      caret: 29,
    });
    expect(insertSnippet('Hello NAME', 6, 10, 'X')).toEqual({ text: 'Hello X', caret: 7 });
    expect(insertSnippet('ab', 99, 99, 'c')).toEqual({ text: 'abc', caret: 3 });
  });

  it('lists a contact’s custom attributes, nested ones and odd names included', () => {
    expect(
      variablesOf('contact.attributes', { plan: { level: 'pro' }, city: 'Moscow', 'first order': 1 }),
    ).toEqual([
      '{{ contact.attributes.city }}',
      '{{ contact.attributes["first order"] }}',
      '{{ contact.attributes.plan.level }}',
    ]);
  });
});
