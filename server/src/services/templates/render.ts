import type { Template } from 'liquidjs';
import { validateHtml, visibleText } from '../../channels/telegram/telegram.html.ts';
import { parse, renderParsed } from './engine.ts';
import type { FormatLocale } from './filters.ts';
import {
  type RenderedButton,
  type RenderInput,
  type RenderResult,
  type TemplateButton,
  TemplateError,
  type TemplateFormat,
  type TemplateSource,
} from './types.ts';
import { buildScope } from './variables.ts';

/**
 * Rendering a template for one recipient: pick the body for their language, fill in contact, workspace and data,
 * render buttons. Pure and synchronous, so broadcasts and notifications call it per recipient in a loop.
 * Stored templates are parsed once per (id, version) and kept in a small LRU.
 */

/** A template parsed for rendering. */
interface Compiled {
  format: TemplateFormat;
  bodies: Map<string | null, Template[]>;
  buttons: Array<
    Array<{
      kind: 'url' | 'callback';
      texts: Map<string | null, Template[]>;
      textTags: string[];
      target: Template[];
    }>
  >;
  variantTags: string[];
}

/**
 * Which body a recipient gets: the variant for their exact tag, then for its primary subtag (`ru-RU` → `ru`),
 * then the workspace language's variant, then the default body (null). Tags compare case-insensitively.
 */
export function pickVariant(
  tags: readonly string[],
  language: string | null | undefined,
  workspaceLocale: string | null,
): string | null {
  const find = (want: string) => tags.find((t) => t.toLowerCase() === want.toLowerCase()) ?? null;
  if (language) {
    const exact = find(language);
    if (exact) return exact;
    const primary = find(language.split(/[-_]/)[0]!);
    if (primary) return primary;
  }
  if (!workspaceLocale) return null;
  return find(workspaceLocale) ?? find(workspaceLocale.split(/[-_]/)[0]!);
}

/** Parses every part of a template; throws TemplateError naming the part (`/variants/en`, `/buttons/0/1/url`). */
export function compile(src: TemplateSource): Compiled {
  const bodies = new Map<string | null, Template[]>([[null, parse(src.format, src.body, '/body')]]);
  const variants = src.variants ?? {};
  for (const [tag, body] of Object.entries(variants))
    bodies.set(tag, parse(src.format, body, `/variants/${tag}`));
  const buttons = (src.buttons ?? []).map((row, r) =>
    row.map((b: TemplateButton, c) => {
      const at = `/buttons/${r}/${c}`;
      const texts = new Map<string | null, Template[]>([[null, parse('text', b.text, `${at}/text`)]]);
      for (const [tag, text] of Object.entries(b.textVariants ?? {}))
        texts.set(tag, parse('text', text, `${at}/textVariants/${tag}`));
      const target =
        b.kind === 'url' ? parse('text', b.url, `${at}/url`) : parse('text', b.data, `${at}/data`);
      return { kind: b.kind, texts, textTags: Object.keys(b.textVariants ?? {}), target };
    }),
  );
  return {
    format: src.format,
    bodies,
    buttons,
    variantTags: Object.keys(variants),
  };
}

const CACHE_SIZE = 500;
const cache = new Map<string, Compiled>();

/** The parsed template, from the cache when it has an id and version. */
function compiled(src: TemplateSource): Compiled {
  if (!src.id || src.version === undefined) return compile(src);
  const key = `${src.id}:${src.version}`;
  let hit = cache.get(key);
  if (hit) {
    // Re-insert: Map keeps insertion order, so the first key is the least recently used.
    cache.delete(key);
  } else {
    hit = compile(src);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, hit);
  return hit;
}

/** Forgets parsed versions of a template (after an update or delete; versions make this an optimisation only). */
export function forgetTemplate(id: string): void {
  for (const key of cache.keys()) if (key.startsWith(`${id}:`)) cache.delete(key);
}

const URL_SCHEMES = /^(https?:\/\/|tg:\/\/)\S+$/i;
const CALLBACK_MAX_BYTES = 64;

/** Options for validation renders. */
export interface RenderOptions {
  /** Accept a button URL or callback data that renders empty (sample data may lack the value it comes from). */
  allowEmptyTargets?: boolean;
}

function renderButton(
  b: Compiled['buttons'][number][number],
  scope: Record<string, unknown>,
  locale: FormatLocale,
  at: string,
  opts: RenderOptions,
): RenderedButton {
  // The button's own variant for the body's language (exact, then primary subtag), else its default text.
  const tag = pickVariant(b.textTags, locale.language, null);
  const text = renderParsed('text', b.texts.get(tag)!, scope, locale, `${at}/text`).trim();
  if (!text) throw new TemplateError('button text is empty after rendering', `${at}/text`);
  const target = renderParsed(
    'text',
    b.target,
    scope,
    locale,
    `${at}/${b.kind === 'url' ? 'url' : 'data'}`,
  ).trim();
  if (!target && opts.allowEmptyTargets)
    return b.kind === 'url' ? { kind: 'url', text, url: '' } : { kind: 'callback', text, data: '' };
  if (b.kind === 'url') {
    if (!URL_SCHEMES.test(target))
      throw new TemplateError(
        `button URL must start with https://, http:// or tg:// (got "${target.slice(0, 100)}")`,
        `${at}/url`,
      );
    return { kind: 'url', text, url: target };
  }
  if (!target || Buffer.byteLength(target) > CALLBACK_MAX_BYTES)
    throw new TemplateError(
      `callback data must be 1 to ${CALLBACK_MAX_BYTES} bytes after rendering`,
      `${at}/data`,
    );
  return { kind: 'callback', text, data: target };
}

/**
 * Renders a template for one recipient. Throws TemplateError when the template cannot produce a sendable message
 * (a limit hit, a button URL that is not a URL, Telegram HTML that Telegram would refuse).
 */
export function renderTemplate(
  src: TemplateSource,
  input: RenderInput,
  opts: RenderOptions = {},
): RenderResult {
  const c = compiled(src);
  const { workspace } = input;
  const variant = pickVariant(c.variantTags, input.language ?? input.contact.language, workspace.locale);
  const language = variant ?? workspace.locale;
  const locale: FormatLocale = { language, timezone: input.contact.timezone || workspace.timezone };
  const scope = buildScope(input.contact, workspace, input.data);
  const path = variant === null ? '/body' : `/variants/${variant}`;
  const html = renderParsed(c.format, c.bodies.get(variant)!, scope, locale, path);
  if (c.format === 'telegram_html') {
    // Inserted values are escaped, so only the template's own markup (through its branches) can break this.
    const check = validateHtml(html);
    if (!check.ok) throw new TemplateError(`renders to invalid Telegram HTML: ${check.message}`, path);
  }
  const buttons = c.buttons.map((row, r) =>
    row.map((b, i) => renderButton(b, scope, locale, `/buttons/${r}/${i}`, opts)),
  );
  // Not from the cache: a deleted attachment clears the column without bumping the version.
  return { format: c.format, html, buttons, attachmentId: src.attachmentId ?? null, language, variant };
}

/** What a reader sees of a rendered body: Telegram's visible text, email HTML without tags, or the text itself. */
export function visibleTextOf(format: TemplateFormat, html: string): string {
  if (format === 'telegram_html') return visibleText(html);
  if (format === 'text') return html;
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
