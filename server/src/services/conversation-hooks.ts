import type { Contact, Conversation, Message } from '../db/schema.ts';
import type { Repos } from '../repositories/index.ts';

/** A customer message just recorded, as hooks see it. */
export interface IncomingMessageHookEvent {
  channelId: string;
  conversation: Conversation;
  message: Message;
  /** The sender (for groups, the member who wrote). */
  contact: Contact;
  /** The conversation was created by this message (a new chat, or the reopen window had passed). */
  conversationCreated: boolean;
  /** A resolved or snoozed conversation was reopened by this message. */
  conversationReopened: boolean;
  /** The flood guard throttled this message: hooks that reply or automate must skip it. */
  throttled: boolean;
}

/**
 * What the inbox features do when a customer writes (auto-assignment, auto-reply, CSAT comments, automations later).
 * Hooks run inside the receive transaction (`r`), in registration order: they must stay short and put slow or outbound
 * work into jobs queued through `r.jobs`, so it commits with the message and nothing is sent for a message that was
 * rolled back. A hook that throws fails the update, which is retried.
 */
export type IncomingMessageHook = (r: Repos, event: IncomingMessageHookEvent) => Promise<void>;

/** A conversation's status changed (resolved, reopened, snoozed); runs inside the change's transaction, like the above. */
export type StatusChangedHook = (r: Repos, conversation: Conversation) => Promise<void>;

/** The registry owners add to at start-up (services/index.ts); the receive path calls `incomingMessage`. */
export class ConversationHooks {
  private readonly onIncoming: Array<{ name: string; hook: IncomingMessageHook }> = [];
  private readonly onStatus: Array<{ name: string; hook: StatusChangedHook }> = [];

  /** Registers a hook under a name (for logs and tests); names are unique. */
  onIncomingMessage(name: string, hook: IncomingMessageHook): void {
    if (this.onIncoming.some((h) => h.name === name)) throw new Error(`hook ${name} is already registered`);
    this.onIncoming.push({ name, hook });
  }

  /** Runs every incoming-message hook in order. */
  async incomingMessage(r: Repos, event: IncomingMessageHookEvent): Promise<void> {
    for (const { hook } of this.onIncoming) await hook(r, event);
  }

  /** Registers a status-change hook under a unique name. */
  onStatusChanged(name: string, hook: StatusChangedHook): void {
    if (this.onStatus.some((h) => h.name === name)) throw new Error(`hook ${name} is already registered`);
    this.onStatus.push({ name, hook });
  }

  /** Runs every status-change hook in order (ConversationsService.update calls it after a status change). */
  async statusChanged(r: Repos, conversation: Conversation): Promise<void> {
    for (const { hook } of this.onStatus) await hook(r, conversation);
  }
}
