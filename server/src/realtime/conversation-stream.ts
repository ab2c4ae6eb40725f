import type { ServerResponse } from 'node:http';
import type { Principal } from '../services/auth.service.ts';
import { type ConversationScope, conversationIdOf, viewerSees } from './conversation-scope.ts';
import type { RealtimeMessage } from './event-map.ts';
import type { RealtimeHub } from './hub.ts';
import { viewerOf } from './visibility-filter.ts';

/** The events a conversation stream forwards (room `conversations`, this conversation only). */
export const STREAM_EVENTS: ReadonlySet<string> = new Set([
  'message.created',
  'message.updated',
  'conversation.updated',
  'conversation.typing',
]);

/** One event as a stream writes it. */
export interface StreamItem {
  event: string;
  data: unknown;
  at?: string;
}

const frame = (e: StreamItem) => `id: ${e.at ?? ''}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;

/** A client that stops reading: past this much unsent output the stream is dropped (it reconnects and catches up). */
const MAX_BUFFERED = 1024 * 1024;

/** Open streams per hub, so shutdown can end them (an open response would hold the HTTP server's close). */
const open = new WeakMap<RealtimeHub, Set<() => void>>();

/** Ends every stream of this hub (the HTTP server is closing). */
export function closeConversationStreams(hub: RealtimeHub): void {
  for (const close of open.get(hub) ?? []) close();
}

/**
 * Server-Sent Events for one conversation, fed by the hub's LISTEN connection. The caller checked access and
 * visibility and wrote nothing yet. Each event is `id: <at>` (the transaction timestamp, the catch-up cursor),
 * `event: <name>`, `data: <JSON>`. A comment line every keep-alive interval keeps proxies from timing the stream out.
 * The credential is re-checked like the WebSocket's; when it stops working, or the conversation leaves the agent's
 * view, the stream gets `event: closed` and ends.
 */
export async function streamConversation(
  hub: RealtimeHub,
  res: ServerResponse,
  principal: Principal,
  token: string,
  conversation: ConversationScope,
  /** What the client missed (it resumed with Last-Event-ID): written before live events, which wait meanwhile. */
  backlog?: () => Promise<StreamItem[]>,
): Promise<void> {
  let viewer = viewerOf(principal, await hub.membershipOf(principal));
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  res.write(`retry: 3000\n: stream of conversation ${conversation.id}\n\n`);

  let ended = false;
  const end = (reason?: string) => {
    if (ended) return;
    ended = true;
    if (reason && !res.destroyed) res.write(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`);
    unsubscribe();
    clearInterval(keepAlive);
    clearInterval(recheck);
    open.get(hub)?.delete(closeOnShutdown);
    res.end();
  };
  const closeOnShutdown = () => end('server shutting down');
  const streams = open.get(hub) ?? new Set();
  open.set(hub, streams.add(closeOnShutdown));

  // Live events wait here while the backlog loads, so the client gets the missed changes first and none falls between.
  let held: RealtimeMessage[] | null = backlog ? [] : null;
  const deliver = (msg: RealtimeMessage) => {
    if (ended) return;
    if (res.writableLength > MAX_BUFFERED) return end();
    res.write(frame(msg));
    // Reassigned away from this agent: the update above tells the client why the stream ends.
    if (msg.scope && !viewerSees(viewer, msg.scope)) end('conversation no longer visible');
  };
  const unsubscribe = hub.subscribe((msg: RealtimeMessage) => {
    if (msg.room !== 'conversations' || !STREAM_EVENTS.has(msg.event)) return;
    if ((msg.scope?.id ?? conversationIdOf(msg.data)) !== conversation.id) return;
    if (held) held.push(msg);
    else deliver(msg);
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), hub.opts.sseKeepAliveMs ?? 5_000);
  const recheck = setInterval(async () => {
    try {
      const now = await hub.authenticate(token);
      if (!now) return end('session ended');
      viewer = viewerOf(now, await hub.membershipOf(now));
    } catch {
      // A database hiccup is not a reason to drop the stream; the next round checks again.
    }
  }, hub.opts.sseRecheckMs ?? 30_000);
  keepAlive.unref();
  recheck.unref();
  res.on('close', () => end());
  // The client went away while we were setting up: no 'close' will come any more.
  if (res.destroyed) return end();
  if (backlog) {
    const missed = await backlog().catch(() => null);
    // Could not load the backlog: end, and the client's reconnect tries again from the same Last-Event-ID.
    if (!missed) return end('catch-up failed');
    for (const item of missed) if (!ended) res.write(frame(item));
    const live = held ?? [];
    held = null;
    for (const msg of live) deliver(msg);
  }
}
