import { escapeHtml } from '../../channels/telegram/telegram.html.ts';
import { presentMessage } from '../../http/conversation.presenters.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Actor } from '../../repositories/audit.repository.ts';
import type { AssignmentService } from '../assignment.service.ts';
import type { Principal } from '../auth.service.ts';
import { CONVERSATIONS_ROOM } from '../conversation-recorder.ts';
import type { ConversationsService } from '../conversations.service.ts';
import type { OutboundService } from '../outbound.service.ts';
import type { ActionHandler, AutomationAction, StepInput } from './types.ts';

type Of<T extends AutomationAction['type']> = Extract<AutomationAction, { type: T }>;

/** What the conversation actions call. */
export interface ConversationActionDeps {
  outbound: Pick<OutboundService, 'queueReply'>;
  assignment: Pick<AssignmentService, 'assign'>;
  conversations: Pick<ConversationsService, 'update' | 'get'>;
}

/**
 * Automations act on conversations as the system: a principal that sees every conversation (like an admin's API key) and
 * is recorded as "automation" in activity lines; it is never a user, so nothing counts as an agent's answer.
 */
const SYSTEM: Principal = {
  kind: 'api_key',
  id: '00000000-0000-0000-0000-000000000000',
  name: 'automation',
  role: 'owner',
  rateLimitPerMinute: null,
};
const ACTOR: Actor = { type: 'system', id: null, name: 'automation' };

function conversationOf(input: { run: { conversationId: string | null } }): string {
  if (!input.run.conversationId)
    throw new DomainError('no_conversation', 'this action needs a conversation and the run has none');
  return input.run.conversationId;
}

const describe =
  <T extends AutomationAction['type']>(type: T, summary: (a: Of<T>) => string) =>
  async (input: Omit<StepInput<Of<T>>, 'repos'>) => ({
    step: input.run.step,
    type,
    summary: summary(input.action),
    detail: { ...input.action, conversationId: input.run.conversationId } as Record<string, unknown>,
  });

/**
 * Assign, priority, label, auto-reply, private note. Assignment, priority and labels go through the inbox services (their
 * activity lines and events) and are idempotent; the reply and the note are written in the step's own transaction, so a
 * retried step never posts them twice.
 */
export function conversationActions(deps: ConversationActionDeps) {
  const handlers: { [T in AutomationAction['type']]?: ActionHandler<Of<T>> } = {
    assign_conversation: {
      async run(input) {
        const c = await deps.assignment.assign(SYSTEM, ACTOR, conversationOf(input), {
          ...(input.action.userId ? { userId: input.action.userId } : {}),
          ...(input.action.teamId ? { teamId: input.action.teamId } : {}),
        });
        return { kind: 'next', detail: { assigneeId: c.assigneeId, teamId: c.teamId } };
      },
      describe: describe('assign_conversation', (a) =>
        a.userId
          ? `assign the conversation to user ${a.userId}`
          : `assign the conversation to team ${a.teamId}`),
    },
    set_priority: {
      async run(input) {
        await deps.conversations.update(SYSTEM, ACTOR, conversationOf(input), {
          priority: input.action.priority,
        });
        return { kind: 'next', detail: { priority: input.action.priority } };
      },
      describe: describe('set_priority', (a) => `set the priority to ${a.priority}`),
    },
    add_label: {
      async run(input) {
        const id = conversationOf(input);
        const current = await deps.conversations.get(id);
        await deps.conversations.update(SYSTEM, ACTOR, id, {
          labels: [...current.labels, input.action.label],
        });
        return { kind: 'next', detail: { label: input.action.label } };
      },
      describe: describe('add_label', (a) => `add the label "${a.label}"`),
    },
    send_reply: {
      async run(input) {
        // A bot message, like the channel's auto-reply: the customer still waits for a person.
        const { message } = await deps.outbound.queueReply(input.repos, {
          conversationId: conversationOf(input),
          html: escapeHtml(input.action.text),
          senderUserId: null,
        });
        return { kind: 'next', detail: { messageId: message.id } };
      },
      describe: describe('send_reply', (a) => `reply to the customer: ${a.text}`),
    },
    add_note: {
      async run(input) {
        const r = input.repos;
        const conversationId = conversationOf(input);
        const note = await r.replies.insertNote({
          conversationId,
          senderUserId: null,
          content: escapeHtml(input.action.text),
          contentAttributes: { automationRunId: input.run.id },
          replyToId: null,
        });
        await r.realtime.publish(CONVERSATIONS_ROOM, 'message.created', {
          conversationId,
          message: presentMessage(note, []),
        });
        return { kind: 'next', detail: { messageId: note.id } };
      },
      describe: describe('add_note', (a) => `add a private note: ${a.text}`),
    },
  };
  return handlers;
}
