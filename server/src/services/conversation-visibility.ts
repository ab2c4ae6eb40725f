import { type Expression, type SqlBool, sql } from 'kysely';
import type { Conversation, Role } from '../db/schema.ts';
import type { Repos } from '../repositories/index.ts';

/** Who is looking: a user or an API key (an auth Principal fits). */
export interface Viewer {
  kind: 'user' | 'api_key';
  id: string;
  role: Role;
}

/**
 * Whether a viewer sees every conversation. Owners and admins do; marketing and readonly read everything (readonly
 * never writes: route access). Agents see only their share (below). An API key has no memberships of its own: it is
 * made by an admin for an integration, so any key sees everything its role may read.
 */
export function seesAll(viewer: Viewer): boolean {
  return viewer.kind === 'api_key' || viewer.role !== 'agent';
}

/**
 * The where-clause of what an agent sees, for lists and counts: conversations assigned to them, assigned to one of their
 * teams, and unassigned ones in channels they are members of. Null when the viewer sees everything (add no clause).
 * `table` is the alias the query gives `conversations`. Each branch is served by an index (assignee, team, channel).
 */
export function visibleWhere(viewer: Viewer, table = 'conversations'): Expression<SqlBool> | null {
  if (seesAll(viewer)) return null;
  const col = (c: string) => sql.ref(`${table}.${c}`);
  return sql<SqlBool>`(
    ${col('assignee_id')} = ${viewer.id}::uuid
    or ${col('team_id')} in (select tm.team_id from team_members tm where tm.user_id = ${viewer.id}::uuid)
    or (${col('assignee_id')} is null
        and ${col('channel_id')} in (select cm.channel_id from channel_members cm where cm.user_id = ${viewer.id}::uuid))
  )`;
}

/** Whether a viewer may see one conversation (realtime filtering, notes, mentions, single-conversation routes). */
export async function canSee(
  r: Repos,
  viewer: Viewer,
  conversation: Pick<Conversation, 'id' | 'assigneeId'>,
): Promise<boolean> {
  if (seesAll(viewer)) return true;
  if (conversation.assigneeId === viewer.id) return true;
  return r.conversations.existsWhere(conversation.id, visibleWhere(viewer)!);
}
