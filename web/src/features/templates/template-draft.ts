/**
 * The template editor's state and its conversions: from the API's template, to the body of a save and of a live preview,
 * and the API's problems (`/body`, `/variants/en`, `body/buttons/0/1/url`) back to the field they are about.
 */

export type TemplateFormat = 'telegram_html' | 'email_html' | 'text';

/** A button as the API stores it: texts and targets are Liquid too; `textVariants` per language. */
export type TemplateButton =
  | { kind: 'url'; text: string; url: string; textVariants?: Record<string, string> }
  | { kind: 'callback'; text: string; data: string; textVariants?: Record<string, string> };

/** A template as GET /api/v1/templates/:id answers. */
export interface Template {
  id: string;
  key: string | null;
  name: string;
  format: TemplateFormat;
  body: string;
  variants: Record<string, string>;
  buttons: TemplateButton[][];
  attachmentId: string | null;
  sampleData: Record<string, unknown>;
  subject: string | null;
  subjectVariants: Record<string, string>;
  builtIn: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One button while editing: `target` is the URL or the callback data, whichever the kind needs. */
export interface ButtonDraft {
  kind: 'url' | 'callback';
  text: string;
  target: string;
  textVariants?: Record<string, string>;
}

export interface TemplateDraft {
  name: string;
  key: string;
  format: TemplateFormat;
  body: string;
  /** Bodies per language; an empty one is left out when saving (that language then gets the default body). */
  variants: Record<string, string>;
  buttons: ButtonDraft[][];
  attachmentId: string | null;
  /** `sampleData` as the user types it (JSON), parsed when saving or previewing. */
  sampleData: string;
  /** Email templates only: the subject and its per-language variants (blank ones left out). */
  subject: string;
  subjectVariants: Record<string, string>;
}

/** The languages whose bodies sit beside the default one; others a template has are listed after them. */
export const SIDE_BY_SIDE = ['ru', 'en'] as const;

/** The limits the API enforces (server/src/http/schemas.ts), so the editor stops offering more. */
export const BUTTON_LIMITS = { rows: 10, perRow: 8 };

/** A blank template. */
export function emptyDraft(): TemplateDraft {
  return {
    name: '',
    key: '',
    format: 'telegram_html',
    body: '',
    variants: { ru: '', en: '' },
    buttons: [],
    attachmentId: null,
    sampleData: '{}',
    subject: '',
    subjectVariants: { ru: '', en: '' },
  };
}

/** The editor's state for a saved template. */
export function draftFromTemplate(t: Template): TemplateDraft {
  return {
    name: t.name,
    key: t.key ?? '',
    format: t.format,
    body: t.body,
    variants: { ru: '', en: '', ...t.variants },
    buttons: t.buttons.map((row) =>
      row.map((b) => ({
        kind: b.kind,
        text: b.text,
        target: b.kind === 'url' ? b.url : b.data,
        ...(b.textVariants ? { textVariants: b.textVariants } : {}),
      })),
    ),
    attachmentId: t.attachmentId,
    sampleData: JSON.stringify(t.sampleData ?? {}, null, 2),
    subject: t.subject ?? '',
    subjectVariants: { ru: '', en: '', ...t.subjectVariants },
  };
}

/** The variant columns to show: the side-by-side languages, then any other the template has. */
export function variantLanguages(d: TemplateDraft): string[] {
  const others = Object.keys(d.variants)
    .filter((l) => !(SIDE_BY_SIDE as readonly string[]).includes(l))
    .sort();
  return [...SIDE_BY_SIDE, ...others];
}

/** Entries worth sending: blank ones are dropped (the API refuses empty texts, and blank means "use the default"). */
function filled(map: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).filter(([, text]) => text.trim() !== ''));
}

/** Body variants worth sending. */
export function filledVariants(d: TemplateDraft): Record<string, string> {
  return filled(d.variants);
}

/** Buttons in the API's shape. */
export function apiButtons(d: TemplateDraft): TemplateButton[][] {
  return d.buttons
    .filter((row) => row.length > 0)
    .map((row) =>
      row.map((b) => {
        const texts = filled(b.textVariants);
        const extra = Object.keys(texts).length ? { textVariants: texts } : {};
        return b.kind === 'url'
          ? { kind: 'url' as const, text: b.text, url: b.target, ...extra }
          : { kind: 'callback' as const, text: b.text, data: b.target, ...extra };
      }),
    );
}

/** `sampleData` parsed: an object, or the reason it is not one. */
export function parseSampleData(text: string): { data: Record<string, unknown> } | { problem: string } {
  if (text.trim() === '') return { data: {} };
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return { problem: 'object' };
    return { data: v as Record<string, unknown> };
  } catch {
    return { problem: 'json' };
  }
}

/** The body of a POST (new) or PATCH (saved) of the template. */
export function saveBody(d: TemplateDraft): { body: Record<string, unknown> } | { problem: string } {
  const sample = parseSampleData(d.sampleData);
  if ('problem' in sample) return sample;
  return {
    body: {
      name: d.name,
      key: d.key.trim() === '' ? null : d.key.trim(),
      format: d.format,
      body: d.body,
      variants: filledVariants(d),
      buttons: apiButtons(d),
      attachmentId: d.attachmentId,
      sampleData: sample.data,
      // The API takes a subject on email templates only (400 on /subject otherwise).
      ...(d.format === 'email_html'
        ? { subject: d.subject.trim() === '' ? null : d.subject, subjectVariants: filled(d.subjectVariants) }
        : {}),
    },
  };
}

/** The body of POST /api/v1/templates/render-preview for the draft, a contact (or the sample one) and a language. */
export function previewBody(
  d: TemplateDraft,
  opts: { contactId?: string | null; language?: string | null },
): Record<string, unknown> | null {
  if (d.body.trim() === '') return null;
  const sample = parseSampleData(d.sampleData);
  return {
    format: d.format,
    body: d.body,
    variants: filledVariants(d),
    buttons: apiButtons(d),
    ...(opts.contactId ? { contactId: opts.contactId } : {}),
    ...(opts.language ? { language: opts.language } : {}),
    ...('data' in sample ? { data: sample.data } : {}),
  };
}

/** A problem the API reported, keyed by the field it names: `body`, `variants.en`, `buttons.0.1.url`, `name`. */
export function fieldOf(path: string | undefined): string {
  if (!path) return '';
  // Schema errors come as `body/<pointer>`, the service's as `/<pointer>`; the template's own `body` field is `/body`.
  const pointer = path.startsWith('body/') ? path.slice(4) : path;
  return pointer.replace(/^\//, '').split('/').join('.');
}

/** The API's problems grouped by field. */
export function problemsByField(
  details: ReadonlyArray<{ path?: string; message: string }>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of details) {
    const key = fieldOf(d.path);
    out[key] = [...(out[key] ?? []), d.message];
  }
  return out;
}

/** Adds a button: to the end of a row, or (row null) as a new row. */
export function addButton(
  rows: ButtonDraft[][],
  row: number | null,
  kind: 'url' | 'callback',
): ButtonDraft[][] {
  const button: ButtonDraft = { kind, text: '', target: kind === 'url' ? 'https://' : '' };
  if (row === null) return rows.length >= BUTTON_LIMITS.rows ? rows : [...rows, [button]];
  return rows.map((r, i) => (i === row && r.length < BUTTON_LIMITS.perRow ? [...r, button] : r));
}

/** Changes one button; switching its kind clears a target that belonged to the other kind. */
export function updateButton(
  rows: ButtonDraft[][],
  row: number,
  index: number,
  patch: Partial<ButtonDraft>,
): ButtonDraft[][] {
  return rows.map((r, i) =>
    i !== row
      ? r
      : r.map((b, k) => {
          if (k !== index) return b;
          const next = { ...b, ...patch };
          if (patch.kind && patch.kind !== b.kind && patch.target === undefined)
            next.target = patch.kind === 'url' ? 'https://' : '';
          return next;
        }),
  );
}

/** Removes a button; a row left empty goes too. */
export function removeButton(rows: ButtonDraft[][], row: number, index: number): ButtonDraft[][] {
  return rows.map((r, i) => (i === row ? r.filter((_, k) => k !== index) : r)).filter((r) => r.length > 0);
}

/** Text with a snippet put in place of the selection; the caret goes after the snippet. */
export function insertSnippet(
  text: string,
  selectionStart: number,
  selectionEnd: number,
  snippet: string,
): { text: string; caret: number } {
  const start = Math.max(0, Math.min(selectionStart, text.length));
  const end = Math.max(start, Math.min(selectionEnd, text.length));
  return { text: text.slice(0, start) + snippet + text.slice(end), caret: start + snippet.length };
}
