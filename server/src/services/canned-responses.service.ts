import { validateHtml, visibleText } from '../channels/telegram/telegram.html.ts';
import type { CannedResponse } from '../db/schema.ts';
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Principal } from './auth.service.ts';
import type { ServiceContext } from './context.ts';
import type { RepliesService } from './replies.service.ts';
import { parse, renderParsed } from './templates/engine.ts';
import { checkTelegramMarkup } from './templates/markup.ts';
import { TemplateError } from './templates/types.ts';
import { contactVariables } from './templates/variables.ts';
import type { TemplatesService } from './templates.service.ts';

/** `/shortcode`: letters, digits, `_` and `-`, up to 50. */
const SHORT_CODE = /^[\p{L}\p{N}_-]{1,50}$/u;
export const MAX_CANNED_CONTENT = 20_000;

export interface CannedInput {
  shortCode?: string;
  content?: string;
}

/** A canned response rendered for one conversation: Telegram HTML ready to send, and what the customer will read. */
export interface RenderedCanned {
  content: string;
  text: string;
}

/**
 * Canned responses (Chatwoot's): reply snippets found by `/shortcode`, whose content is a Telegram HTML Liquid template
 * rendered with `contact`, `conversation`, `agent` and `workspace` (values escaped as in Telegram HTML mode).
 */
export class CannedResponsesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly templates: Pick<TemplatesService, 'workspace'>,
    private readonly replies: Pick<RepliesService, 'visibleConversation'>,
  ) {}

  /** `prefix` matches the short code's start (the composer's `/sho…`); `q` also searches the content. */
  list(opts: { prefix?: string; q?: string; limit?: number }): Promise<CannedResponse[]> {
    return this.ctx.repos.cannedResponses.list({ ...opts, limit: opts.limit ?? 100 });
  }

  async get(id: string): Promise<CannedResponse> {
    const row = await this.ctx.repos.cannedResponses.get(id);
    if (!row) throw new NotFoundError('Canned response', id);
    return row;
  }

  async create(who: Principal, input: Required<CannedInput>): Promise<CannedResponse> {
    const clean = await this.check(input);
    return this.ctx.repos.cannedResponses.create({
      shortCode: clean.shortCode!,
      content: clean.content!,
      createdBy: who.kind === 'user' ? who.id : null,
    });
  }

  async update(id: string, input: CannedInput): Promise<CannedResponse> {
    await this.get(id);
    const clean = await this.check(input, id);
    const row = await this.ctx.repos.cannedResponses.update(id, clean);
    if (!row) throw new NotFoundError('Canned response', id);
    return row;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.ctx.repos.cannedResponses.delete(id))) throw new NotFoundError('Canned response', id);
  }

  /** Renders a canned response for a conversation the caller can see, as the calling agent. */
  async render(who: Principal, id: string, conversationId: string): Promise<RenderedCanned> {
    const canned = await this.get(id);
    const r = this.ctx.repos;
    const conversation = await this.replies.visibleConversation(r, who, conversationId);
    const contact = conversation.contactId ? await r.contacts.get(conversation.contactId) : undefined;
    const channel = await r.channels.get(conversation.channelId);
    const workspace = await this.templates.workspace();
    const user = who.kind === 'user' ? (who.user ?? (await r.users.get(who.id))) : undefined;
    const scope = {
      contact: contactVariables(contact ?? {}),
      conversation: {
        id: conversation.id,
        displayId: Number(conversation.displayId),
        status: conversation.status,
        priority: conversation.priority,
        category: conversation.category,
        labels: [...conversation.labels],
        title: conversation.title,
        channelName: channel?.name ?? null,
      },
      agent: user
        ? { id: user.id, name: user.displayName, email: user.email }
        : { id: null, name: who.name, email: null },
      workspace: { name: workspace.name, timezone: workspace.timezone, locale: workspace.locale },
    };
    const locale = {
      language: contact?.language || workspace.locale,
      timezone: contact?.timezone || workspace.timezone,
    };
    try {
      const html = renderParsed(
        'telegram_html',
        parse('telegram_html', canned.content, '/content'),
        scope,
        locale,
        '/content',
      );
      const check = validateHtml(html);
      if (!check.ok)
        throw new TemplateError(`renders to invalid Telegram HTML: ${check.message}`, '/content');
      return { content: html, text: visibleText(html) };
    } catch (err) {
      if (err instanceof TemplateError)
        throw new ValidationError(`The canned response cannot be rendered: ${err.message}`, [
          { path: err.path, message: err.message },
        ]);
      throw err;
    }
  }

  /** Validates a create or a change: short code format and uniqueness, content as a Telegram HTML template. */
  private async check(input: CannedInput, id?: string): Promise<CannedInput> {
    const problems: FieldProblem[] = [];
    const out: CannedInput = {};
    if (input.shortCode !== undefined) {
      const code = input.shortCode.trim().replace(/^\//, '');
      if (!SHORT_CODE.test(code))
        problems.push({ path: '/shortCode', message: 'use 1 to 50 letters, digits, "_" or "-"' });
      else {
        const taken = await this.ctx.repos.cannedResponses.findByShortCode(code);
        if (taken && taken.id !== id)
          throw new ConflictError(`The short code "${code}" is already used`, [
            { path: '/shortCode', message: 'already taken' },
          ]);
        out.shortCode = code;
      }
    }
    if (input.content !== undefined) {
      if (!input.content.trim()) problems.push({ path: '/content', message: 'is empty' });
      else if (input.content.length > MAX_CANNED_CONTENT)
        problems.push({ path: '/content', message: `longer than ${MAX_CANNED_CONTENT} characters` });
      else
        try {
          parse('telegram_html', input.content, '/content');
          checkTelegramMarkup(input.content, '/content');
          out.content = input.content;
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
          const problem: FieldProblem = { path: '/content', message: err.message };
          if (err.line !== undefined) Object.assign(problem, { line: err.line, column: err.column });
          problems.push(problem);
        }
    }
    if (problems.length) throw new ValidationError(problems[0]!.message, problems);
    return out;
  }
}
