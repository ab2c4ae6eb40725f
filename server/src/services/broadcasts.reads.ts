import { ChannelRejectedError } from '../channels/errors.ts';
import type { Broadcast, BroadcastDeliveryStatus, BroadcastStatus } from '../db/schema.ts';
import { decodeCursor, encodeCursor, type Page } from '../lib/cursor.ts';
import { NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Repos } from '../repositories/index.ts';
import { broadcastSource } from './broadcasts.input.ts';
import { csvLine } from './contact-export.csv.ts';
import type { ServiceContext } from './context.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { outgoingOf } from './outbound.message.ts';
import { renderTemplate } from './templates/render.ts';
import { type RenderWorkspace, TemplateError } from './templates/types.ts';

/** Reads of broadcasts (lists, recipients, CSV) and the one-off test send; the status machine is in broadcasts.service.ts. */

export type BroadcastPage = Page<Broadcast & { sortValue: string }>;
type DeliveryRow = Awaited<ReturnType<Repos['broadcasts']['deliveries']>>[number];
export type DeliveryPage = Page<DeliveryRow>;

/** What a test send produced: the chat it went to and Telegram's message id. */
export interface TestSendResult {
  chatExternalId: string;
  externalId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CSV_BATCH = 5000;

/** Newest first; the cursor is the last row's creation time and id. */
export async function listPage(
  repos: Repos,
  opts: { status?: BroadcastStatus[]; limit: number; cursor?: string },
): Promise<BroadcastPage> {
  const after = opts.cursor
    ? decodeCursor(opts.cursor, (p) => p.k === 'broadcasts' && typeof p.v === 'string' && UUID.test(p.id))
    : undefined;
  const rows = await repos.broadcasts.list({ status: opts.status, limit: opts.limit + 1, after });
  const more = rows.length > opts.limit;
  const data = rows.slice(0, opts.limit);
  const last = data.at(-1);
  return {
    data,
    nextCursor: more && last ? encodeCursor({ v: last.sortValue, id: last.id, k: 'broadcasts' }) : null,
  };
}

/** Recipients in snapshot order; the cursor is the last row's id. */
export async function deliveriesPage(
  repos: Repos,
  id: string,
  opts: { status?: BroadcastDeliveryStatus[]; limit: number; cursor?: string },
): Promise<DeliveryPage> {
  const after = opts.cursor
    ? decodeCursor(opts.cursor, (p) => p.k === 'deliveries' && /^\d+$/.test(p.id))
    : undefined;
  const rows = await repos.broadcasts.deliveries(id, {
    status: opts.status,
    afterId: after ? Number(after.id) : undefined,
    limit: opts.limit + 1,
  });
  const more = rows.length > opts.limit;
  const data = rows.slice(0, opts.limit);
  const last = data.at(-1);
  return {
    data,
    nextCursor: more && last ? encodeCursor({ v: null, id: String(last.id), k: 'deliveries' }) : null,
  };
}

/** The CSV export's columns, in order. */
export const DELIVERY_CSV_COLUMNS = [
  'contact_id',
  'external_id',
  'name',
  'username',
  'telegram_chat_id',
  'status',
  'reason',
  'attempts',
  'telegram_message_id',
  'not_before',
  'sent_at',
  'updated_at',
];

const iso = (d: Date | null) => (d ? d.toISOString() : '');

/** One recipient as CSV cells. */
function deliveryCells(d: DeliveryRow): string[] {
  const name = d.name ?? ([d.firstName, d.lastName].filter(Boolean).join(' ') || '');
  return [
    d.contactId,
    d.contactExternalId ?? '',
    name,
    d.username ?? '',
    d.chatExternalId ?? '',
    d.status,
    d.reason ?? '',
    String(d.attempts),
    d.externalId ?? '',
    iso(d.notBefore),
    iso(d.sentAt),
    iso(d.updatedAt),
  ];
}

/** Header, then recipients in batches of 5,000 (keyset on the row id): memory stays flat for any audience size. */
export async function* deliveriesCsv(
  repos: Repos,
  id: string,
  opts: { delimiter: string; bom: boolean },
): AsyncGenerator<string> {
  yield (opts.bom ? '\uFEFF' : '') + csvLine(DELIVERY_CSV_COLUMNS, opts.delimiter);
  let afterId: number | undefined;
  for (;;) {
    const rows = await repos.broadcasts.deliveries(id, { afterId, limit: CSV_BATCH });
    if (rows.length === 0) return;
    yield rows.map((d) => csvLine(deliveryCells(d), opts.delimiter)).join('');
    if (rows.length < CSV_BATCH) return;
    afterId = rows.at(-1)!.id;
  }
}

/**
 * Renders the broadcast for one contact and sends it through the bot at interactive priority (someone is waiting for it),
 * touching no delivery row and no counter. URL buttons are sent as written (a test tap is not a click). A contact the bot
 * cannot reach, or a message Telegram refuses, is a 400 on `contactId` with the reason.
 */
export async function sendTest(
  ctx: ServiceContext,
  adapters: TelegramAdapters,
  b: Broadcast,
  contactId: string,
  workspace: RenderWorkspace,
): Promise<TestSendResult> {
  const { repos } = ctx;
  const refuse = (message: string) => new ValidationError(message, [{ path: '/contactId', message }]);
  const contact = await repos.contacts.get(contactId);
  if (!contact) throw refuse('no such contact');
  const identity = await repos.broadcasts.identityFor(contactId, b.channelId);
  if (!identity) throw refuse('the contact has never written to this bot, so it cannot message them');
  if (!identity.reachable)
    throw refuse(
      `the contact cannot be reached through this bot (${identity.lastError ?? 'blocked or gone'})`,
    );
  const template = b.templateId ? ((await repos.templates.get(b.templateId)) ?? null) : null;
  if (!template && !b.content) throw refuse('the broadcast has no message (its template was deleted)');
  let rendered: ReturnType<typeof renderTemplate>;
  try {
    rendered = renderTemplate(broadcastSource(b, template), { contact, workspace });
  } catch (err) {
    if (err instanceof TemplateError)
      throw refuse(`the message cannot be rendered for this contact: ${err.message}`);
    throw err;
  }
  const attachments = rendered.attachmentId
    ? await repos.deliveries.attachmentsByIds([rendered.attachmentId])
    : [];
  const message = outgoingOf(
    { chatExternalId: identity.externalId },
    rendered.html.trim() ? rendered.html : null,
    rendered.buttons.length ? { buttons: { kind: 'inline', rows: rendered.buttons } } : {},
    attachments,
    undefined,
  );
  const channel = await repos.channels.get(b.channelId);
  if (!channel) throw new NotFoundError('Channel', b.channelId);
  try {
    const sent = await adapters.forChannel(channel, 'interactive').send(message);
    return { chatExternalId: identity.externalId, externalId: sent.externalId };
  } catch (err) {
    if (err instanceof ChannelRejectedError) throw refuse(`Telegram refused the message: ${err.description}`);
    throw err;
  }
}
