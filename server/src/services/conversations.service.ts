import type { Attachment, Conversation, Message } from '../db/schema.ts';
import { type CursorPosition, decodeCursor, encodeCursor, invalidCursor, type Page } from '../lib/cursor.ts';
import { NotFoundError } from '../lib/errors.ts';
import type { ConversationFilter } from '../repositories/conversations.repository.ts';
import type { ServiceContext } from './context.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor position of one list kind (`k`), refused when it is another list's or malformed. */
function position(cursor: string | undefined, k: string): CursorPosition | undefined {
  return cursor
    ? decodeCursor(cursor, (p) => p.k === k && typeof p.v === 'string' && UUID.test(p.id))
    : undefined;
}

/** The cursor's value is the only client text the queries cast: a data exception there means it was forged. */
function forgedCursor(after: CursorPosition | undefined) {
  return (err: { code?: string }): never => {
    if (after && /^22/.test(err.code ?? '')) throw invalidCursor();
    throw err;
  };
}

/** Reading conversations and their messages (the inbox issue adds assignment, status changes and replies). */
export class ConversationsService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Most recent activity first. */
  async list(opts: {
    filter: ConversationFilter;
    limit: number;
    cursor?: string;
  }): Promise<Page<Conversation>> {
    const after = position(opts.cursor, 'conversations');
    const rows = await this.ctx.repos.conversations
      .list({ filter: opts.filter, limit: opts.limit + 1, after })
      .catch(forgedCursor(after));
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    return {
      data: page.map(({ sortValue: _s, ...c }) => c as Conversation),
      nextCursor:
        rows.length > opts.limit && last
          ? encodeCursor({ v: last.sortValue, id: last.id, k: 'conversations' })
          : null,
    };
  }

  async get(id: string): Promise<Conversation> {
    const conversation = await this.ctx.repos.conversations.get(id);
    if (!conversation) throw new NotFoundError('Conversation', id);
    return conversation;
  }

  /**
   * The latest page of a conversation's messages first; `nextCursor` pages back in time. Within a page messages are
   * oldest → newest, the order an inbox shows them in, so a client prepends each older page as it scrolls up.
   */
  async messages(
    id: string,
    opts: { limit: number; cursor?: string },
  ): Promise<Page<Message> & { attachments: Attachment[] }> {
    await this.get(id);
    const after = position(opts.cursor, 'messages');
    const rows = await this.ctx.repos.messages
      .listPage({ conversationId: id, limit: opts.limit + 1, after })
      .catch(forgedCursor(after));
    const page = rows.slice(0, opts.limit);
    const oldest = page.at(-1);
    const data = page.map(({ sortValue: _s, ...m }) => m as Message).reverse();
    return {
      data,
      nextCursor:
        rows.length > opts.limit && oldest
          ? encodeCursor({ v: oldest.sortValue, id: oldest.id, k: 'messages' })
          : null,
      attachments: await this.ctx.repos.attachments.listForMessages(data.map((m) => m.id)),
    };
  }
}
