import { decodeCursor, encodeCursor, invalidCursor, type Page } from '../lib/cursor.ts';
import { NotFoundError } from '../lib/errors.ts';
import {
  TIMELINE_KINDS,
  type TimelineKind,
  type TimelinePosition,
  type TimelineRow,
} from '../repositories/contact-timeline.repository.ts';
import type { ServiceContext } from './context.ts';
import { type Viewer, visibleWhere } from './conversation-visibility.ts';

const CURSOR_KIND = 'contact-timeline';
/** A timestamptz as PostgreSQL prints it; other words it would accept ('yesterday', 'now') are not cursors. */
const PG_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;

/** The cursor's (at, kind, id) or a 400 on `cursor`; `id` carries `kind:id` so one string keeps the tie-breakers. */
function position(cursor: string | undefined): TimelinePosition | undefined {
  if (!cursor) return undefined;
  const pos = decodeCursor(
    cursor,
    (p) => p.k === CURSOR_KIND && typeof p.v === 'string' && PG_TIME.test(p.v),
  );
  const split = pos.id.indexOf(':');
  const kind = pos.id.slice(0, split);
  if (split < 0 || !TIMELINE_KINDS.includes(kind as TimelineKind)) throw invalidCursor();
  return { at: pos.v as string, kind, id: pos.id.slice(split + 1) };
}

/**
 * A contact's history in one list, newest first: messages (of the conversations the viewer may see), events,
 * broadcasts received and notifications. Read-only; what each item links to has its own API.
 */
export class ContactTimelineService {
  constructor(private readonly ctx: ServiceContext) {}

  async page(
    viewer: Viewer,
    contactId: string,
    opts: { kinds?: TimelineKind[]; limit: number; cursor?: string },
  ): Promise<Page<TimelineRow>> {
    const contact = await this.ctx.repos.contacts.get(contactId);
    if (!contact) throw new NotFoundError('Contact', contactId);
    const after = position(opts.cursor);
    const rows = await this.ctx.repos.contactTimeline
      .page({
        contactId,
        kinds: opts.kinds?.length ? opts.kinds : TIMELINE_KINDS,
        limit: opts.limit + 1,
        after,
        visible: visibleWhere(viewer, 'c'),
      })
      .catch((err: { code?: string }) => {
        // The cursor's time is the only client text cast in the query: a data exception means it was forged.
        if (after && /^22/.test(err.code ?? '')) throw invalidCursor();
        throw err;
      });
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    return {
      data: page,
      nextCursor:
        rows.length > opts.limit && last
          ? encodeCursor({ v: last.sortValue, id: `${last.kind}:${last.id}`, k: CURSOR_KIND })
          : null,
    };
  }
}
