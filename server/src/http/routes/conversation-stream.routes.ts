import { NotFoundError } from '../../lib/errors.ts';
import {
  closeConversationStreams,
  type StreamItem,
  streamConversation,
} from '../../realtime/conversation-stream.ts';
import { canSee } from '../../services/conversation-visibility.ts';
import type { Services } from '../../services/index.ts';
import { bearerOf } from '../auth.ts';
import { presentConversation, presentMessage } from '../conversation.presenters.ts';
import { errorResponses, IdParams } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

/**
 * Server-Sent Events for one conversation, for clients that cannot hold a WebSocket. Authenticated by the
 * `Authorization: Bearer` header only: a token in the query string would end up in proxy and access logs, and
 * fetch-based EventSource clients can set headers (see docs/api.md, Realtime).
 */
export async function conversationStreamRoutes(app: Http, { services, hub }: HttpDeps) {
  app.addHook('preClose', async () => closeConversationStreams(hub));

  app.get(
    '/api/v1/conversations/:id/stream',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations', 'realtime'],
        summary:
          'Server-Sent Events of one conversation: message.created|updated, conversation.updated|typing; keep-alive comment every 5 s',
        description:
          'Each event has `id:` (its transaction timestamp, the catch-up cursor), `event:` and `data:` (the same JSON as the WebSocket event data). Ends with `event: closed` when the credential stops working or the conversation leaves your view.',
        params: IdParams,
        produces: ['text/event-stream'],
        response: errorResponses,
      },
    },
    async (req, reply) => {
      const principal = req.principal!;
      const conversation = await services.conversations.get(req.params.id);
      // Invisible is reported as absent, like the other single-conversation routes.
      if (!(await canSee(services.ctx.repos, principal, conversation)))
        throw new NotFoundError('Conversation', req.params.id);
      const since = resumeFrom(req.headers['last-event-id']);
      reply.hijack();
      await streamConversation(
        hub,
        reply.raw,
        principal,
        bearerOf(req)!,
        {
          id: conversation.id,
          channelId: conversation.channelId,
          assigneeId: conversation.assigneeId,
          teamId: conversation.teamId,
        },
        since ? () => missedSince(services, conversation.id, since) : undefined,
      );
    },
  );
}

/** Overlap subtracted from Last-Event-ID: a transaction that started before it may have committed after it. */
const OVERLAP_MS = 5_000;
/** The most missed messages replayed; a client away longer reloads the conversation instead. */
const MAX_REPLAY = 500;

/** The time to replay from, from an EventSource's `Last-Event-ID` (an event's `at`); null when absent or not a time. */
function resumeFrom(header: string | string[] | undefined): Date | null {
  if (typeof header !== 'string' || header.length > 64) return null;
  const t = Date.parse(header);
  return Number.isNaN(t) ? null : new Date(t - OVERLAP_MS);
}

/**
 * What changed in the conversation since `since`: its current state (if it changed) and its changed messages, as the
 * events a live client would have received (message.created for messages created since, else message.updated).
 */
async function missedSince(services: Services, conversationId: string, since: Date): Promise<StreamItem[]> {
  const { repos } = services.ctx;
  const [conversation, messages] = await Promise.all([
    repos.conversations.get(conversationId),
    repos.realtime.changedMessages(conversationId, since, MAX_REPLAY),
  ]);
  const attachments = await repos.attachments.listForMessages(messages.map((m) => m.id));
  const items: StreamItem[] = messages.map((m) => ({
    event: new Date(m.createdAt) > since ? 'message.created' : 'message.updated',
    data: {
      conversationId,
      message: presentMessage(
        m,
        attachments.filter((a) => a.messageId === m.id),
      ),
    },
    at: new Date(m.updatedAt).toISOString(),
  }));
  if (conversation && new Date(conversation.updatedAt) > since)
    items.push({
      event: 'conversation.updated',
      data: { conversation: presentConversation(conversation) },
      at: new Date(conversation.updatedAt).toISOString(),
    });
  return items;
}
