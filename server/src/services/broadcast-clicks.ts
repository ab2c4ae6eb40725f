import { decodeCursor, encodeCursor, type Page } from '../lib/cursor.ts';
import { NotFoundError } from '../lib/errors.ts';
import type { ContactClicks } from '../repositories/broadcast-clicks.repository.ts';
import {
  BROADCAST_CALLBACK_PREFIX,
  broadcastButtonSource,
  buttonAt,
  clickLinkBase,
  clickLinkKey,
  hasStaticTarget,
  parseBroadcastCallbackData,
  trackedButtons,
  verifyClickToken,
} from './broadcast-buttons.ts';
import type { CallbackHandler, CallbackRouter } from './callback-router.ts';
import type { ServiceContext } from './context.ts';
import type { RenderedButton, TemplateButton } from './templates/types.ts';

/** Clicks and distinct contacts. */
export interface ClickCount {
  total: number;
  unique: number;
}

/** A broadcast's click statistics: overall, by kind, and per button (every button of its source, clicked or not). */
export interface BroadcastClickSummary extends ClickCount {
  url: ClickCount;
  callback: ClickCount;
  /** Whether URL clicks are counted at all (an https PUBLIC_URL is set). */
  urlTracking: boolean;
  buttons: Array<ClickCount & { button: number; kind: 'url' | 'callback'; text: string }>;
}

const CONTACTS_PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Click tracking of broadcast buttons: tracked links, the redirect, callback taps, click statistics. */
export class BroadcastClicksService {
  private readonly key: Buffer;

  constructor(
    private readonly ctx: ServiceContext,
    // Taps on tracked callback buttons are handed on to the owner of the button's original data.
    private readonly callbacks: CallbackRouter,
  ) {
    this.key = clickLinkKey(ctx.secretBox);
  }

  /** For the delivery manager: one recipient's rendered buttons, rewritten for tracking (see trackedButtons). */
  track(
    broadcastId: string,
    contactId: string,
    buttons: RenderedButton[][],
    source: TemplateButton[][],
  ): RenderedButton[][] {
    const publicUrl = clickLinkBase(this.ctx.config);
    return trackedButtons(buttons, { broadcastId, contactId, publicUrl, secret: this.key, source });
  }

  /**
   * GET /r/:token: the URL to send the person to, after recording the click; null for a token we did not sign, a
   * broadcast deleted since, or a button that is not a tracked URL (the route answers 404, never a redirect elsewhere).
   */
  async openLink(token: string): Promise<string | null> {
    const ref = verifyClickToken(token, this.key);
    if (!ref) return null;
    const repo = this.ctx.repos.broadcastClicks;
    const b = await repo.buttonsOf(ref.broadcastId);
    const button = b && buttonAt(broadcastButtonSource(b.buttons, b.templateButtons), ref.button);
    if (button?.kind !== 'url' || !hasStaticTarget(button)) return null;
    const recorded = await repo.record({ ...ref, kind: 'url', at: this.ctx.clock.now() });
    return recorded ? button.url : null;
  }

  /** The `bc:` owner: counts a recipient's tap, then lets the owner of the button's own data answer it. */
  readonly onTap: CallbackHandler = async (r, tap) => {
    const ref = parseBroadcastCallbackData(tap.data);
    if (!ref) return undefined;
    const b = await r.broadcastClicks.buttonsOf(ref.broadcastId);
    const button = b && buttonAt(broadcastButtonSource(b.buttons, b.templateButtons), ref.button);
    // Only recipients, through the broadcast's own bot, count: test sends and data typed by hand leave no trace.
    if (
      button?.kind !== 'callback' ||
      !hasStaticTarget(button) ||
      b?.channelId !== tap.channelId ||
      !(await r.broadcastClicks.isRecipient(ref.broadcastId, tap.contact.id))
    )
      return undefined;
    // The tap row is unique per Telegram tap id and this runs in its transaction: a redelivered update counts once.
    await r.broadcastClicks.record({
      broadcastId: ref.broadcastId,
      contactId: tap.contact.id,
      button: ref.button,
      kind: 'callback',
      at: this.ctx.clock.now(),
    });
    if (button.data.startsWith(BROADCAST_CALLBACK_PREFIX)) return undefined;
    return this.callbacks.route(r, { ...tap, data: button.data });
  };

  /** Click statistics of a broadcast (GET /broadcasts/:id includes them as `clicks`). */
  async summary(broadcastId: string): Promise<BroadcastClickSummary> {
    const repo = this.ctx.repos.broadcastClicks;
    const b = await repo.buttonsOf(broadcastId);
    if (!b) throw new NotFoundError('Broadcast', broadcastId);
    const [counts, unique, uniqueUrl, uniqueCallback] = await Promise.all([
      repo.countsByButton(broadcastId),
      repo.uniqueContacts(broadcastId),
      repo.uniqueContacts(broadcastId, 'url'),
      repo.uniqueContacts(broadcastId, 'callback'),
    ]);
    const source = broadcastButtonSource(b.buttons, b.templateButtons).flat();
    const total = (kind?: 'url' | 'callback') =>
      counts.filter((c) => !kind || c.kind === kind).reduce((n, c) => n + c.total, 0);
    return {
      total: total(),
      unique,
      url: { total: total('url'), unique: uniqueUrl },
      callback: { total: total('callback'), unique: uniqueCallback },
      urlTracking: clickLinkBase(this.ctx.config) !== null,
      buttons: source.map((s, button) => {
        const c = counts.find((x) => x.button === button && x.kind === s.kind);
        return { button, kind: s.kind, text: s.text, total: c?.total ?? 0, unique: c?.unique ?? 0 };
      }),
    };
  }

  /** Who clicked: one row per contact (total, buttons, first and last click), ordered by contact id. */
  async contacts(
    broadcastId: string,
    opts: { cursor?: string; contactId?: string; limit?: number } = {},
  ): Promise<Page<ContactClicks>> {
    const limit = opts.limit ?? CONTACTS_PAGE;
    const repo = this.ctx.repos.broadcastClicks;
    if (!(await repo.buttonsOf(broadcastId))) throw new NotFoundError('Broadcast', broadcastId);
    const after = opts.cursor
      ? decodeCursor(opts.cursor, (p) => p.k === 'clicks:contact' && UUID.test(p.id)).id
      : undefined;
    const rows = await repo.byContact(broadcastId, {
      afterContactId: after,
      contactId: opts.contactId,
      limit: limit + 1,
    });
    const data = rows.slice(0, limit);
    const last = data.at(-1);
    const nextCursor =
      rows.length > limit && last ? encodeCursor({ v: null, id: last.contactId, k: 'clicks:contact' }) : null;
    return { data, nextCursor };
  }
}
