import type { Principal } from '../services/auth.service.ts';
import { seesAll } from '../services/conversation-visibility.ts';
import { type ConversationScope, type Membership, type Viewer, viewerSees } from './conversation-scope.ts';
import { type RealtimeMessage, USER_ROOM, VISIBILITY_ROOMS } from './event-map.ts';

/** How many conversations' last scope the hub remembers (about 200 bytes each). */
const REMEMBERED = 50_000;

/** The viewer a socket's principal and cached memberships make. */
export function viewerOf(principal: Principal, membership: Membership | null): Viewer {
  return { seesAll: seesAll(principal), userId: principal.id, membership };
}

/** Whether a principal may join a personal room: only its own, and only a user. Other rooms: true. */
export function mayJoinPersonalRoom(principal: Principal, room: string): boolean {
  const m = USER_ROOM.exec(room);
  return !m || (principal.kind === 'user' && principal.id === m[1]);
}

/**
 * Decides, per event and socket and without a query, whether a socket receives an event of a visibility room.
 * It remembers each conversation's last scope so that the event which takes a conversation away from an agent
 * (reassigned, moved to another team) still reaches that agent: the client learns to drop it from its lists.
 */
export class VisibilityFilter {
  private readonly lastScope = new Map<string, ConversationScope>();

  /** Call once per event, before delivering it; returns the scopes a receiver must see one of. */
  scopesOf(msg: RealtimeMessage): ConversationScope[] | null {
    if (!VISIBILITY_ROOMS.has(msg.room)) return null;
    const scope = msg.scope ?? null;
    if (!scope) return [];
    const previous = this.lastScope.get(scope.id);
    // Re-insert so the map's insertion order is least-recently-seen first.
    this.lastScope.delete(scope.id);
    this.lastScope.set(scope.id, scope);
    if (this.lastScope.size > REMEMBERED) this.lastScope.delete(this.lastScope.keys().next().value!);
    return previous && msg.event.startsWith('conversation.') && !sameScope(previous, scope)
      ? [scope, previous]
      : [scope];
  }

  /**
   * `scopes` from scopesOf: null (not a visibility room) lets everyone in the room receive it; an empty list
   * (an event without a known conversation) reaches only viewers who see every conversation.
   */
  allows(viewer: Viewer, scopes: ConversationScope[] | null): boolean {
    if (scopes === null || viewer.seesAll) return true;
    return scopes.some((s) => viewerSees(viewer, s));
  }
}

function sameScope(a: ConversationScope, b: ConversationScope): boolean {
  return a.channelId === b.channelId && a.assigneeId === b.assigneeId && a.teamId === b.teamId;
}
