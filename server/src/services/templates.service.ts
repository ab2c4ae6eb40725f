import type { TemplateRow } from '../db/schema.ts';
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { TemplateWrite } from '../repositories/templates.repository.ts';
import { normalizeLanguage } from './contact-fields.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { parse } from './templates/engine.ts';
import { forgetTemplate, renderTemplate, visibleTextOf } from './templates/render.ts';
import {
  type RenderContact,
  type RenderResult,
  type RenderWorkspace,
  type TemplateButton,
  TemplateError,
  type TemplateFormat,
  type TemplateSource,
} from './templates/types.ts';
import { validateTemplate } from './templates/validate.ts';
import { sampleContact } from './templates/variables.ts';

/** What clients send to create or change a template (PATCH: any subset). */
export interface TemplateInput {
  key?: string | null;
  name?: string;
  format?: TemplateFormat;
  body?: string;
  variants?: Record<string, string>;
  buttons?: TemplateButton[][];
  attachmentId?: string | null;
  sampleData?: Record<string, unknown>;
  /** Email templates only: the subject line (a template with plain-text escaping) and its per-language variants. */
  subject?: string | null;
  subjectVariants?: Record<string, string>;
}

/** A preview: the rendered message plus what a reader sees and which contact it was rendered for. */
export interface TemplatePreview extends RenderResult {
  text: string;
  contact: { id: string | null; sample: boolean };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A TemplateError as a 400 naming the field, line and column. */
function invalid(err: TemplateError, prefix = ''): ValidationError {
  const problem: FieldProblem = { path: `${prefix}${err.path}`, message: err.message };
  if (err.line !== undefined) Object.assign(problem, { line: err.line, column: err.column });
  return new ValidationError(`Template problem: ${err.message}`, [problem]);
}

/** Runs `fn`, turning template problems into 400s. */
function checked<T>(fn: () => T, prefix = ''): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TemplateError) throw invalid(err, prefix);
    throw err;
  }
}

/** Language tags normalised (`EN` → `en`, `pt_br` → `pt-BR`); problems reported per tag. */
function normalizeTags(
  map: Record<string, string> | undefined,
  path: string,
  problems: FieldProblem[],
): Record<string, string> | undefined {
  if (map === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [tag, value] of Object.entries(map)) {
    const norm = normalizeLanguage(tag);
    if (!norm)
      problems.push({ path: `${path}/${tag}`, message: `not a language tag (ru, en, pt-BR): "${tag}"` });
    else if (Object.hasOwn(out, norm))
      problems.push({ path: `${path}/${tag}`, message: `duplicates "${norm}"` });
    else out[norm] = value;
  }
  return out;
}

/** The row as the renderer's source. */
export function templateSource(t: TemplateRow): TemplateSource {
  return {
    id: t.id,
    version: t.version,
    format: t.format,
    body: t.body,
    variants: t.variants,
    buttons: t.buttons as TemplateButton[][],
    attachmentId: t.attachmentId,
  };
}

/** Templates: CRUD with validation at save, previews, and rendering for other engines. */
export class TemplatesService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Workspace values templates see; engines rendering many recipients load it once and call renderTemplate. */
  workspace(): Promise<RenderWorkspace>;
  /** From settings the caller already read (a notification job reads them with its other rows): no query. */
  workspace(settings: Map<string, unknown>): RenderWorkspace;
  workspace(settings?: Map<string, unknown>): Promise<RenderWorkspace> | RenderWorkspace {
    if (!settings) return this.ctx.repos.settings.getAll().then((s) => this.workspace(s));
    const s = settings;
    const get = (k: string, d: string) => (typeof s.get(k) === 'string' ? (s.get(k) as string) : d);
    return {
      name: get('workspace_name', 'Switchboard'),
      timezone: get('default_timezone', 'Europe/Moscow'),
      locale: get('default_language', 'ru'),
    };
  }

  list(opts: { format?: TemplateFormat; q?: string } = {}): Promise<TemplateRow[]> {
    return this.ctx.repos.templates.list({ ...opts, limit: 1000 });
  }

  /** By id or by key. */
  async get(idOrKey: string): Promise<TemplateRow> {
    const t = UUID.test(idOrKey)
      ? await this.ctx.repos.templates.get(idOrKey)
      : await this.ctx.repos.templates.getByKey(idOrKey);
    if (!t) throw new NotFoundError('Template', idOrKey);
    return t;
  }

  async create(actor: Actor, input: TemplateInput & { name: string; body: string }): Promise<TemplateRow> {
    const write = await this.prepare(input, undefined);
    return inTransaction(this.ctx, async (r) => {
      if (write.key && (await r.templates.getByKey(write.key)))
        throw new ConflictError('A template with this key exists', [
          { path: '/key', message: 'already taken' },
        ]);
      const t = await r.templates.create(write as TemplateWrite & { name: string; body: string });
      await r.audit.record(actor, {
        action: 'template.created',
        entityType: 'template',
        entityId: t.id,
        after: { key: t.key, name: t.name, format: t.format },
      });
      return t;
    });
  }

  async update(actor: Actor, idOrKey: string, input: TemplateInput): Promise<TemplateRow> {
    const current = await this.get(idOrKey);
    const write = await this.prepare(input, current);
    const t = await inTransaction(this.ctx, async (r) => {
      const before = await r.templates.get(current.id, true);
      if (!before) throw new NotFoundError('Template', idOrKey);
      if (write.key && write.key !== before.key && (await r.templates.getByKey(write.key)))
        throw new ConflictError('A template with this key exists', [
          { path: '/key', message: 'already taken' },
        ]);
      const after = await r.templates.update(before.id, write);
      await r.audit.record(actor, {
        action: 'template.updated',
        entityType: 'template',
        entityId: before.id,
        after: Object.keys(input),
      });
      return after;
    });
    forgetTemplate(t.id);
    return t;
  }

  async delete(actor: Actor, idOrKey: string): Promise<void> {
    const t = await this.get(idOrKey);
    if (t.builtIn) throw new ConflictError('Built-in templates cannot be deleted; edit them instead');
    await inTransaction(this.ctx, async (r) => {
      await r.templates.delete(t.id);
      await r.audit.record(actor, {
        action: 'template.deleted',
        entityType: 'template',
        entityId: t.id,
        before: { key: t.key, name: t.name },
      });
    });
    forgetTemplate(t.id);
  }

  /** Renders a stored template for a real contact, or for the sample contact when none is given. */
  async preview(
    idOrKey: string,
    opts: { contactId?: string; data?: Record<string, unknown>; language?: string },
  ): Promise<TemplatePreview> {
    const t = await this.get(idOrKey);
    return this.previewSource(templateSource(t), { ...opts, data: opts.data ?? t.sampleData });
  }

  /** Live preview of unsaved text: the checks of a save, then a render. */
  async previewDraft(
    input: TemplateInput & { body: string },
    opts: { contactId?: string; data?: Record<string, unknown>; language?: string },
  ): Promise<TemplatePreview> {
    const problems: FieldProblem[] = [];
    const variants = normalizeTags(input.variants, '/variants', problems);
    if (problems.length) throw new ValidationError('Invalid template', problems);
    const src: TemplateSource = {
      format: input.format ?? 'telegram_html',
      body: input.body,
      variants,
      buttons: input.buttons,
      attachmentId: input.attachmentId ?? null,
    };
    const workspace = await this.workspace();
    checked(() => validateTemplate(src, workspace, opts.data ?? {}));
    return this.previewSource(src, opts, workspace);
  }

  /** Renders for other engines: a row, a source, or an id/key; throws TemplateError when it cannot be rendered. */
  async render(
    template: TemplateRow | TemplateSource | string,
    input: { contact: RenderContact; data?: Record<string, unknown>; language?: string | null },
  ): Promise<RenderResult> {
    const row = typeof template === 'string' ? await this.get(template) : template;
    const src = 'builtIn' in row ? templateSource(row) : row;
    return renderTemplate(src, { ...input, workspace: await this.workspace() });
  }

  private async previewSource(
    src: TemplateSource,
    opts: { contactId?: string; data?: Record<string, unknown>; language?: string },
    workspace?: RenderWorkspace,
  ): Promise<TemplatePreview> {
    const ws = workspace ?? (await this.workspace());
    let contact: RenderContact;
    if (opts.contactId) {
      const c = await this.ctx.repos.contacts.get(opts.contactId);
      if (!c) throw new NotFoundError('Contact', opts.contactId);
      contact = c;
    } else contact = sampleContact(opts.language ?? ws.locale, ws.timezone);
    const language = opts.language ? (normalizeLanguage(opts.language) ?? opts.language) : undefined;
    const result = checked(() => renderTemplate(src, { contact, workspace: ws, data: opts.data, language }));
    return {
      ...result,
      text: visibleTextOf(result.format, result.html),
      contact: { id: opts.contactId ?? null, sample: !opts.contactId },
    };
  }

  /** Normalises and validates a create or a change (merged over `current`), returning the columns to write. */
  private async prepare(input: TemplateInput, current: TemplateRow | undefined): Promise<TemplateWrite> {
    const problems: FieldProblem[] = [];
    const variants = normalizeTags(input.variants, '/variants', problems);
    const subjectVariants = normalizeTags(input.subjectVariants, '/subjectVariants', problems);
    const buttons = input.buttons?.map((row, r) =>
      row.map((b, c) => ({
        ...b,
        textVariants: normalizeTags(b.textVariants, `/buttons/${r}/${c}/textVariants`, problems),
      })),
    );
    if (current?.builtIn && input.key !== undefined && input.key !== current.key)
      problems.push({ path: '/key', message: 'the key of a built-in template cannot change' });
    if (input.attachmentId && !(await this.ctx.repos.templates.attachmentExists(input.attachmentId)))
      problems.push({ path: '/attachmentId', message: 'no such attachment' });
    if (problems.length) throw new ValidationError('Invalid template', problems);
    const src: TemplateSource = {
      format: input.format ?? current?.format ?? 'telegram_html',
      body: input.body ?? current?.body ?? '',
      variants: variants ?? current?.variants ?? {},
      buttons: (buttons ?? (current?.buttons as TemplateButton[][] | undefined) ?? []) as TemplateButton[][],
      attachmentId: input.attachmentId !== undefined ? input.attachmentId : (current?.attachmentId ?? null),
    };
    const sampleData = input.sampleData ?? current?.sampleData ?? {};
    const workspace = await this.workspace();
    checked(() => validateTemplate(src, workspace, sampleData));
    checked(() =>
      checkSubject(
        src.format,
        input.subject !== undefined ? input.subject : (current?.subject ?? null),
        subjectVariants ?? current?.subjectVariants ?? {},
      ),
    );
    return {
      key: input.key,
      name: input.name,
      format: input.format,
      body: input.body,
      variants,
      buttons,
      attachmentId: input.attachmentId,
      sampleData: input.sampleData,
      subject: input.subject,
      subjectVariants,
    };
  }
}

/** An email template's subject and its variants parse as plain-text templates; other formats have none. */
function checkSubject(
  format: TemplateFormat,
  subject: string | null,
  variants: Record<string, string>,
): void {
  const given = (subject ?? '') !== '' || Object.keys(variants).length > 0;
  if (format !== 'email_html') {
    if (given) throw new TemplateError('only email templates have a subject', '/subject');
    return;
  }
  if (subject !== null) parse('text', subject, '/subject');
  for (const [tag, text] of Object.entries(variants)) parse('text', text, `/subjectVariants/${tag}`);
}
