import type { Broadcast, TemplateRow } from '../db/schema.ts';
import { type FieldProblem, ValidationError } from '../lib/errors.ts';
import type { BroadcastWrite } from '../repositories/broadcasts.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { isClockTime, type QuietHours } from './broadcast-timing.ts';
import { normalizeLanguage } from './contact-fields.ts';
import { parseFilter } from './segments/filter.ts';
import {
  type RenderWorkspace,
  type TemplateButton,
  TemplateError,
  type TemplateSource,
} from './templates/types.ts';
import { validateTemplate } from './templates/validate.ts';
import { templateSource } from './templates.service.ts';

/** What clients send to create a broadcast, or any subset of it to change one (PATCH). */
export interface BroadcastInput {
  title?: string;
  channelId?: string;
  segmentId?: string | null;
  filter?: unknown;
  templateId?: string | null;
  content?: string | null;
  buttons?: TemplateButton[][];
  attachmentId?: string | null;
  scheduledAt?: string | null;
  localTime?: string | null;
  quietHours?: QuietHours | null;
  paidBroadcast?: boolean;
}

/** Kinds of attachment a Telegram message can carry as an upload. */
const SENDABLE = new Set(['photo', 'document', 'video', 'audio', 'voice']);

/**
 * The message a broadcast sends, as a template source the renderer takes for every recipient: its own content, or its
 * template's bodies and variants. The broadcast's own buttons and attachment, when set, replace the template's.
 */
export function broadcastSource(
  b: Pick<Broadcast, 'id' | 'content' | 'buttons' | 'attachmentId'>,
  template: TemplateRow | null,
): TemplateSource {
  const ownButtons = (b.buttons ?? []) as TemplateButton[][];
  const base: TemplateSource = template
    ? templateSource(template)
    : { format: 'telegram_html', body: b.content ?? '', buttons: [], attachmentId: null };
  return {
    ...base,
    buttons: ownButtons.length ? ownButtons : base.buttons,
    attachmentId: b.attachmentId ?? base.attachmentId ?? null,
  };
}

/**
 * Checks a create (`current` absent) or a change merged over the current row, and returns the columns to write.
 * Every problem is collected and reported at once, each with its field: exactly one audience (a segment or a filter of its
 * own), exactly one message (a template or content), the channel (exists, Telegram), the filter (the segment grammar, by
 * node), the content and button texts (the template checks of a save, with line and column), the attachment, the timing.
 */
export async function checkBroadcastInput(
  r: Repos,
  input: BroadcastInput,
  current: Broadcast | undefined,
  ctx: { now: Date; workspace: RenderWorkspace },
): Promise<{ write: BroadcastWrite; template: TemplateRow | null }> {
  const problems: FieldProblem[] = [];
  const write: BroadcastWrite = {};
  const has = (k: keyof BroadcastInput) => input[k] !== undefined && input[k] !== null;

  if (input.title !== undefined || !current) {
    const title = typeof input.title === 'string' ? input.title.trim() : '';
    if (title.length < 1 || title.length > 200)
      problems.push({ path: '/title', message: 'must be 1 to 200 characters' });
    else write.title = title;
  }

  if (input.channelId !== undefined || !current) {
    const channel = input.channelId ? await r.channels.get(input.channelId) : undefined;
    if (!channel) problems.push({ path: '/channelId', message: 'no such channel' });
    else if (channel.type !== 'telegram')
      problems.push({
        path: '/channelId',
        message: `broadcasts go through Telegram bots; this is a ${channel.type} channel`,
      });
    else write.channelId = channel.id;
  }

  // Audience: giving one side replaces the other on a change, so a PATCH can switch from a segment to a filter.
  if (has('segmentId') && has('filter'))
    problems.push({ path: '/filter', message: 'give either segmentId or filter, not both' });
  else if (has('segmentId')) {
    const segment = await r.segments.get(input.segmentId!);
    if (!segment) problems.push({ path: '/segmentId', message: 'no such segment' });
    else Object.assign(write, { segmentId: segment.id, filter: null });
  } else if (has('filter')) {
    const { filter, problems: fp } = parseFilter(input.filter, 'filter');
    problems.push(...fp);
    if (filter) Object.assign(write, { filter, segmentId: null });
  } else {
    const segmentId = input.segmentId === undefined ? current?.segmentId : null;
    const filter = input.filter === undefined ? current?.filter : null;
    if (!segmentId && !filter)
      problems.push({ path: '/segmentId', message: 'an audience is required: segmentId or filter' });
    if (input.segmentId === null) write.segmentId = null;
    if (input.filter === null) write.filter = null;
  }

  // Message: a template or content of its own, the same way.
  let template: TemplateRow | null = null;
  if (has('templateId') && has('content'))
    problems.push({ path: '/content', message: 'give either templateId or content, not both' });
  else if (has('templateId')) {
    template = (await r.templates.get(input.templateId!)) ?? null;
    if (!template) problems.push({ path: '/templateId', message: 'no such template' });
    else if (template.format !== 'telegram_html')
      problems.push({
        path: '/templateId',
        message: `a ${template.format} template cannot be sent through Telegram`,
      });
    else Object.assign(write, { templateId: template.id, content: null });
  } else if (has('content')) {
    if (!input.content!.trim()) problems.push({ path: '/content', message: 'must not be empty' });
    else Object.assign(write, { content: input.content, templateId: null });
  } else {
    const templateId = input.templateId === undefined ? current?.templateId : null;
    const content = input.content === undefined ? current?.content : null;
    if (!templateId && !content)
      problems.push({ path: '/templateId', message: 'a message is required: templateId or content' });
    if (templateId) template = (await r.templates.get(templateId)) ?? null;
    if (input.templateId === null) write.templateId = null;
    if (input.content === null) write.content = null;
  }

  if (input.buttons !== undefined) write.buttons = normalizeButtons(input.buttons, problems);

  if (input.attachmentId !== undefined) {
    if (input.attachmentId === null) write.attachmentId = null;
    else {
      const [a] = await r.deliveries.attachmentsByIds([input.attachmentId]);
      if (!a) problems.push({ path: '/attachmentId', message: 'no such attachment' });
      else if (a.storageStatus !== 'stored' || !a.storageKey)
        problems.push({
          path: '/attachmentId',
          message: `not uploaded yet (storage status ${a.storageStatus})`,
        });
      else if (!SENDABLE.has(a.kind))
        problems.push({ path: '/attachmentId', message: `a ${a.kind} cannot be sent` });
      else write.attachmentId = a.id;
    }
  }

  if (input.scheduledAt !== undefined) {
    if (input.scheduledAt === null) write.scheduledAt = null;
    else {
      const at = new Date(input.scheduledAt);
      if (Number.isNaN(at.getTime())) problems.push({ path: '/scheduledAt', message: 'not a date-time' });
      else if (at.getTime() <= ctx.now.getTime())
        problems.push({
          path: '/scheduledAt',
          message: 'must be in the future (use send-now to start at once)',
        });
      else write.scheduledAt = at;
    }
  }

  if (input.localTime !== undefined) {
    if (input.localTime !== null && !isClockTime(input.localTime))
      problems.push({ path: '/localTime', message: 'must be a time HH:MM (24-hour clock)' });
    else write.localTime = input.localTime;
  }

  if (input.quietHours !== undefined) {
    const q = input.quietHours;
    if (q === null) write.quietHours = null;
    else {
      if (!isClockTime(q.from)) problems.push({ path: '/quietHours/from', message: 'must be a time HH:MM' });
      if (!isClockTime(q.to)) problems.push({ path: '/quietHours/to', message: 'must be a time HH:MM' });
      else if (q.from === q.to) problems.push({ path: '/quietHours/to', message: 'must differ from `from`' });
      write.quietHours = { from: q.from, to: q.to };
    }
  }

  if (input.paidBroadcast !== undefined) write.paidBroadcast = input.paidBroadcast;
  // Paid broadcasting is the bot's: its channel setting raises the rate and makes every message carry allow_paid_broadcast
  // (Stars from the bot's balance). A broadcast can only ask for it on a bot set so.
  const channelId = write.channelId ?? current?.channelId;
  if (input.paidBroadcast === true && channelId) {
    const channel = await r.channels.get(channelId);
    if ((channel?.settings as { paidBroadcasts?: unknown } | undefined)?.paidBroadcasts !== true)
      problems.push({
        path: '/paidBroadcast',
        message:
          'the bot is not set to paid broadcasts: set its channel settings paidBroadcasts and rateLimitPerSecond first',
      });
  }

  if (problems.length === 0) checkMessage(write, current, template, ctx.workspace, problems);
  if (problems.length) throw new ValidationError(problems[0]!.message, problems);
  return { write, template };
}

/** Button text variants keyed by canonical language tags (`EN` → `en`). */
function normalizeButtons(buttons: TemplateButton[][], problems: FieldProblem[]): TemplateButton[][] {
  return buttons.map((row, r) =>
    row.map((b, c) => {
      if (!b.textVariants) return b;
      const out: Record<string, string> = {};
      for (const [tag, text] of Object.entries(b.textVariants)) {
        const norm = normalizeLanguage(tag);
        if (!norm)
          problems.push({
            path: `/buttons/${r}/${c}/textVariants/${tag}`,
            message: `not a language tag: "${tag}"`,
          });
        else out[norm] = text;
      }
      return { ...b, textVariants: out };
    }),
  );
}

/**
 * The template checks of a save over the message as it will be sent (content or template, with the buttons that will
 * ride on it), so Liquid and markup mistakes surface now with line and column, not per recipient at send time.
 */
function checkMessage(
  write: BroadcastWrite,
  current: Broadcast | undefined,
  template: TemplateRow | null,
  workspace: RenderWorkspace,
  problems: FieldProblem[],
): void {
  const content = write.content !== undefined ? write.content : (current?.content ?? null);
  const buttons = write.buttons ?? current?.buttons ?? [];
  const src = broadcastSource({ id: '', content, buttons, attachmentId: null }, template);
  try {
    validateTemplate({ ...src, id: undefined, version: undefined }, workspace, template?.sampleData ?? {});
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    // Paths of the template's own parts stay as the renderer names them; the broadcast's body is its `content`.
    let path = err.path;
    if (!template && path === '/body') path = '/content';
    else if (template && !path.startsWith('/buttons')) path = `/templateId${path}`;
    const problem: FieldProblem = { path, message: err.message };
    if (err.line !== undefined) Object.assign(problem, { line: err.line, column: err.column });
    problems.push(problem);
  }
}
