/**
 * What realtime delivery needs to know about the conversation an event belongs to. The publisher attaches it to the
 * NOTIFY payload (read in the publishing transaction, so it is the state being committed); clients never see it.
 */
export interface ConversationScope {
  id: string;
  channelId: string;
  assigneeId: string | null;
  teamId: string | null;
}

/** An agent's memberships, cached per socket and refreshed on the heartbeat and on `membership.changed`. */
export interface Membership {
  channelIds: ReadonlySet<string>;
  teamIds: ReadonlySet<string>;
}

/** Who is listening, as far as conversation visibility goes. */
export interface Viewer {
  /** Owners, admins, marketing, readonly and API keys (services/conversation-visibility.ts `seesAll`). */
  seesAll: boolean;
  userId: string;
  membership: Membership | null;
}

/**
 * The visibility rule of services/conversation-visibility.ts, decided synchronously from cached memberships so the hub
 * never queries per event and socket: owner/admin see every conversation, marketing/readonly read every conversation,
 * API keys read what their role may, agents see those assigned to them, to one of their teams, and unassigned ones in channels they are members of.
 * An agent whose memberships are not loaded yet sees nothing (fail closed).
 */
export function viewerSees(viewer: Viewer, scope: ConversationScope): boolean {
  if (viewer.seesAll || scope.assigneeId === viewer.userId) return true;
  const m = viewer.membership;
  if (!m) return false;
  if (scope.teamId !== null && m.teamIds.has(scope.teamId)) return true;
  return scope.assigneeId === null && m.channelIds.has(scope.channelId);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The conversation an event's data is about: `conversationId`, `conversation.id`, or for a merge the surviving one.
 * Only a uuid counts (the publisher casts it in SQL, and a bad cast would fail the publishing transaction).
 */
export function conversationIdOf(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const c = d.conversation as Record<string, unknown> | undefined;
  const id = d.conversationId ?? c?.id ?? d.mergedInto;
  return typeof id === 'string' && UUID.test(id) ? id : null;
}
