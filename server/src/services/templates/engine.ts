import { Context, type Emitter, type FS, Liquid, LiquidError, type Template, toValueSync } from 'liquidjs';
import { escapeHtml } from '../../channels/telegram/telegram.html.ts';
import { customFilters, type FormatLocale, LOCALE_REGISTER } from './filters.ts';
import { TemplateError, type TemplateFormat } from './types.ts';

/**
 * The sandboxed LiquidJS engines, one per escaping rule. What the sandbox takes away, and why:
 * - no files: include/render/layout/block tags are removed (a parse error), and the file system refuses anyway;
 * - no prototype access (`ownPropertyOnly`): `{{ contact.constructor }}` is empty;
 * - strict filters: an unknown filter fails at parse, i.e. when the template is saved;
 * - `raw` filter removed: in HTML formats every inserted value is escaped, with no way around it;
 * - `capture` removed: its text is already escaped, and would be escaped twice when output;
 * - limits: template size at parse, time and allocations per render, and output size (checked as it is written).
 */

/** Largest template source accepted (characters). */
export const MAX_SOURCE = 20_000;
/** Largest rendered output (characters): far above Telegram's 4096 and a normal email. */
export const MAX_OUTPUT = 64 * 1024;
/**
 * Time one render may take (ms); a normal template takes microseconds. LiquidJS measures wall time, and a busy two-core
 * machine can deschedule a render for tens of milliseconds: at 100 ms, sound templates failed for good under load. The
 * memory and output limits stop the usual runaway loops first; this stops the rest within a second.
 */
export const RENDER_TIME_LIMIT_MS = 1000;
/** Allocation budget per render (array items and string characters that filters create). */
export const MEMORY_LIMIT = 1_000_000;

const REMOVED_TAGS = ['include', 'render', 'layout', 'block', 'capture'];
const REMOVED_FILTERS = ['raw'];

/** A file system that has no files: the last line of defence if a file tag ever came back. */
const noFiles: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => {
    throw new Error('templates cannot read files');
  },
  readFileSync: () => {
    throw new Error('templates cannot read files');
  },
  resolve: (_dir: string, file: string) => file,
  contains: async () => false,
  containsSync: () => false,
  sep: '/',
};

/** Text for `{{ }}` values: empty for null/undefined, lists joined with ", ", objects never shown as "[object Object]". */
function stringify(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(stringify).join(', ');
  return '';
}

/** Escaping for email HTML: Telegram's four characters plus the apostrophe (attribute values may be single-quoted). */
function escapeEmailHtml(text: string): string {
  return escapeHtml(text).replace(/'/g, '&#39;');
}

const ESCAPE: Record<TemplateFormat, (v: unknown) => string> = {
  telegram_html: (v) => escapeHtml(stringify(v)),
  email_html: (v) => escapeEmailHtml(stringify(v)),
  text: stringify,
};

function makeEngine(format: TemplateFormat): Liquid {
  const engine = new Liquid({
    fs: noFiles,
    root: [],
    relativeReference: false,
    dynamicPartials: false,
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    outputEscape: ESCAPE[format],
    parseLimit: MAX_SOURCE * 2,
    renderLimit: RENDER_TIME_LIMIT_MS,
    memoryLimit: MEMORY_LIMIT,
    cache: false,
  });
  for (const tag of REMOVED_TAGS) delete engine.tags[tag];
  for (const f of REMOVED_FILTERS) delete engine.filters[f];
  for (const [name, fn] of Object.entries(customFilters)) engine.registerFilter(name, fn as never);
  // Liquid's strftime `date` filter, but in the recipient's time zone unless the template names one.
  const date = engine.filters.date as unknown as (this: unknown, ...args: unknown[]) => unknown;
  engine.registerFilter(
    'date',
    function (this: { context: Context }, v: unknown, fmt?: unknown, zone?: unknown) {
      const loc = this.context.getRegister<FormatLocale | undefined>(LOCALE_REGISTER);
      return date.call(this, v, fmt, zone ?? loc?.timezone);
    },
  );
  return engine;
}

const engines = new Map<TemplateFormat, Liquid>();
/** The engine for a format (built once). */
export function engineFor(format: TemplateFormat): Liquid {
  let e = engines.get(format);
  if (!e) {
    e = makeEngine(format);
    engines.set(format, e);
  }
  return e;
}

/** Friendlier wording for the messages LiquidJS gives most often, without its ", line:1, col:2" suffix. */
function describe(err: LiquidError): string {
  const base = (err.originalError?.message ?? err.message)
    .replace(/, line:\d+, col:\d+$/, '')
    .split('\n')[0]!;
  const tag = /^tag "([^"]+)" not found/.exec(base)?.[1];
  if (tag && REMOVED_TAGS.includes(tag))
    return `the "${tag}" tag is not available in templates${tag === 'capture' ? ' (use assign)' : ''}`;
  if (tag) return `unknown tag "${tag}"`;
  const filter = /^undefined filter: (.+)$/.exec(base)?.[1];
  if (filter === 'raw') return 'the "raw" filter is not available: inserted values are always escaped';
  if (filter) return `unknown filter "${filter}"`;
  if (base === 'template render limit exceeded')
    return `the template took longer than ${RENDER_TIME_LIMIT_MS} ms to render (a loop too long?)`;
  if (base === 'memory alloc limit exceeded')
    return 'the template builds too much data (a range or loop too large?)';
  return base;
}

/** Turns anything LiquidJS throws into a TemplateError at the right line and column of `path`. */
export function toTemplateError(err: unknown, path: string): TemplateError {
  if (err instanceof TemplateError) return err;
  if (err instanceof LiquidError) {
    const pos = err.token?.getPosition?.() as [number, number] | undefined;
    const where = pos ? ` (line ${pos[0]}, column ${pos[1]})` : '';
    return new TemplateError(`${describe(err)}${where}`, path, pos?.[0], pos?.[1]);
  }
  return new TemplateError(err instanceof Error ? err.message : String(err), path);
}

/** Parses one template source; throws TemplateError with the position of the first problem. */
export function parse(format: TemplateFormat, source: string, path: string): Template[] {
  if (source.length > MAX_SOURCE) throw new TemplateError(`longer than ${MAX_SOURCE} characters`, path);
  try {
    return engineFor(format).parse(source);
  } catch (err) {
    throw toTemplateError(err, path);
  }
}

/** Collects output, refusing to grow past MAX_OUTPUT (a loop of literal text is stopped as it happens). */
class LimitedEmitter implements Emitter {
  buffer = '';
  write(html: unknown): void {
    this.buffer += typeof html === 'string' ? html : stringify(html);
    if (this.buffer.length > MAX_OUTPUT) throw new Error(`output longer than ${MAX_OUTPUT} characters`);
  }
}

/** Renders parsed templates synchronously for one recipient; throws TemplateError (limits, bad filter arguments). */
export function renderParsed(
  format: TemplateFormat,
  templates: Template[],
  scope: Record<string, unknown>,
  locale: FormatLocale,
  path: string,
): string {
  const engine = engineFor(format);
  const ctx = new Context(scope, engine.options, { sync: true }, { liquid: engine });
  ctx.setRegister(LOCALE_REGISTER, locale);
  const emitter = new LimitedEmitter();
  try {
    toValueSync(engine.renderer.renderTemplates(templates, ctx, emitter));
  } catch (err) {
    throw toTemplateError(err, path);
  }
  return emitter.buffer;
}
