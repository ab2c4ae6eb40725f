import type {
  IncomingCallbackEvent,
  IncomingEvent,
  IncomingMessageEvent,
  SenderRef,
} from '../channels/channel.ts';
import type { Contact, Conversation, Message } from '../db/schema.ts';
import type { Identity } from '../repositories/identities.repository.ts';
import type { Repos } from '../repositories/index.ts';
import type { CallbackAnswer, CallbackRouter } from './callback-router.ts';
import { ConversationHooks } from './conversation-hooks.ts';
import { migrateChat, recordEdit, recordMessage } from './conversation-recorder.ts';
import {
  isPlainPrivateMessage,
  movesForward,
  profileChanges,
  profileOf,
  receivePlainMessages,
} from './receive-batch.ts';

/**
 * What receiving one event did, channel-neutral; null when the event names no person we keep (bots, chat migrations,
 * group membership changes). This is the seam for what reacts to incoming messages (auto-replies, automations, CSAT):
 * hook after `apply`, and act on a new message only when `created && !throttled && !edited`.
 */
export interface ReceiveResult {
  contact: Contact;
  identity: Identity;
  createdContact: boolean;
  /** The conversation the message (or the tapped button's message) belongs to, when there is one. */
  conversation: Conversation | null;
  /** The stored message: new, edited, or the one stored earlier (redelivery). */
  message: Message | null;
  /** True when this event stored a new message row. */
  created: boolean;
  /** True for an edit (of a stored message, or of one never seen, stored new and marked edited). */
  edited: boolean;
  /** The sender is flooding (flood-guard.ts): the message is stored, but automations must not react to it. */
  throttled: boolean;
  /** For button taps: what to show the person (empty when no owner answered). */
  callbackAnswer?: CallbackAnswer;
}

/** A command a person sent the bot in a private chat, as its owner sees it. */
export interface IncomingCommand {
  channelId: string;
  event: IncomingMessageEvent;
  contact: Contact;
  identity: Identity;
}

/**
 * An owner of bot commands. It runs inside the receive transaction before the message is recorded and returns true when
 * the command was its own: the message is then not recorded and opens or reopens no conversation (a settings menu is
 * not a support request). Answers leave as jobs queued through `r.jobs`, like every hook's side effects.
 */
export type CommandHook = (r: Repos, command: IncomingCommand) => Promise<boolean>;

/**
 * Takes the updates of staff-bot channels (services/staff-bot.ts): returns true when the channel is a staff bot and the
 * event was handed over (queued), so nothing of it reaches contacts or the inbox.
 */
export type StaffBotRoute = (r: Repos, channelId: string, event: IncomingEvent) => Promise<boolean>;

/**
 * The channel-neutral step from a mapped event to our records: finds or creates the contact and its identity,
 * refreshes the profile, applies /start (source, re-subscribe) and blocked/unblocked, records messages in
 * conversations (conversation-recorder.ts), follows chat migrations, and records and routes button taps.
 * It runs inside the caller's transaction (`r`), so the update is marked processed with exactly these writes,
 * and the realtime events published here go out when it commits.
 */
export class ReceiveService {
  private readonly commandHooks: CommandHook[] = [];
  private staffBot: StaffBotRoute | null = null;

  constructor(
    private readonly callbacks: CallbackRouter,
    private readonly hooks: ConversationHooks = new ConversationHooks(),
  ) {}

  /** Registers an owner of bot commands (preferences' /settings and /stop); see CommandHook. */
  onCommand(hook: CommandHook): void {
    this.commandHooks.push(hook);
  }

  /** Registers where staff-bot channels' updates go (services/staff-bot.ts); see StaffBotRoute. */
  onStaffBot(route: StaffBotRoute): void {
    this.staffBot = route;
  }

  async apply(r: Repos, channelId: string, event: IncomingEvent): Promise<ReceiveResult | null> {
    // STAFF BOT: a bot marked `staffBot` talks to the team (linking, coupon checks, /login), not to customers. Its
    // updates go to the staff bot and create no contact, conversation or message. One primary-key read per update.
    if (this.staffBot && (await this.staffBot(r, channelId, event))) return null;
    return this.applyToCustomers(r, channelId, event);
  }

  /**
   * apply() for a batch of one channel's events, in order, with the same outcome as applying them one by one. Runs of
   * plain private messages (receive-batch.ts) are received set-based, a chat's first message per step; anything else,
   * and what the set-based step hands back, goes through the per-event path. The staff-bot check is made once.
   */
  async applyMany(r: Repos, channelId: string, events: IncomingEvent[]): Promise<(ReceiveResult | null)[]> {
    const results: (ReceiveResult | null)[] = new Array(events.length).fill(null);
    if (events.length === 0) return results;
    // The staff-bot route decides by channel, so the first event answers for the batch: on a staff bot it is routed
    // there (as apply would) and so is the rest.
    if (this.staffBot && (await this.staffBot(r, channelId, events[0]!))) {
      for (let i = 1; i < events.length; i++) results[i] = await this.apply(r, channelId, events[i]!);
      return results;
    }
    let i = 0;
    while (i < events.length) {
      // A step: consecutive plain messages of distinct chats (a chat's next message waits for the next step).
      const step: number[] = [];
      const chats = new Set<string>();
      for (; i < events.length; i++) {
        const e = events[i]!;
        if (!isPlainPrivateMessage(e) || chats.has(e.chat.externalId)) break;
        chats.add(e.chat.externalId);
        step.push(i);
      }
      if (step.length === 0) {
        results[i] = await this.applyToCustomers(r, channelId, events[i]!);
        i += 1;
        continue;
      }
      const plain = step.map((k) => events[k] as IncomingMessageEvent);
      const received = await receivePlainMessages(r, channelId, plain, this.hooks);
      for (const [n, k] of step.entries()) {
        const done = received[n];
        // Handed back (a snoozed or resolved conversation, a merged contact's second account): nothing of it was
        // written, so it is applied now, in its chat's order (each chat appears once in a step).
        results[k] = done
          ? { ...done, edited: false }
          : await this.applyToCustomers(r, channelId, events[k]!);
      }
    }
    return results;
  }

  /** apply() past the staff-bot check. */
  private async applyToCustomers(
    r: Repos,
    channelId: string,
    event: IncomingEvent,
  ): Promise<ReceiveResult | null> {
    switch (event.type) {
      case 'message':
      case 'message_edited': {
        if (event.sender.isBot) return null;
        const person = await this.identify(r, channelId, event.sender, event.sentAt, {
          start: event.type === 'message' && event.isStart === true,
          startPayload: event.type === 'message' ? event.startPayload : undefined,
        });
        await this.publish(r, person);
        if (event.type === 'message' && (await this.handledAsCommand(r, channelId, event, person)))
          return { ...person, ...NOTHING_RECORDED };
        if (event.type === 'message_edited') {
          const recorded = await recordEdit(r, channelId, event, person);
          return { ...person, ...recorded, edited: true };
        }
        const recorded = await recordMessage(r, channelId, event, person);
        // Inbox features react to a new customer message only: not to redeliveries, not to edits.
        if (recorded.created)
          await this.hooks.incomingMessage(r, {
            channelId,
            conversation: recorded.conversation,
            message: recorded.message,
            contact: person.contact,
            conversationCreated: recorded.conversationCreated === true,
            conversationReopened: recorded.conversationReopened === true,
            throttled: recorded.throttled,
          });
        return { ...person, ...recorded, edited: false };
      }
      case 'callback': {
        if (event.sender.isBot) return null;
        const person = await this.identify(r, channelId, event.sender, new Date());
        await this.publish(r, person);
        return this.tap(r, channelId, event, person);
      }
      case 'membership': {
        // In a private chat the actor is the person; in groups, membership changes are about the bot, not them.
        if (event.chat.kind !== 'private' || (event.change !== 'blocked' && event.change !== 'unblocked'))
          return null;
        const person = await this.identify(r, channelId, event.actor, event.at, { noActivity: true });
        const reachable = event.change === 'unblocked';
        await r.identities.setReachable(
          person.identity.id,
          reachable,
          reachable ? null : 'blocked by the user',
        );
        person.identity = { ...person.identity, reachable };
        await this.publish(r, person);
        return { ...person, ...NOTHING_RECORDED };
      }
      case 'chat_migrated':
        await migrateChat(r, channelId, event.fromChatExternalId, event.toChatExternalId);
        return null;
    }
  }

  /** True when an owner took a private chat's command (/start stays with the inbox: it opens the conversation). */
  private async handledAsCommand(
    r: Repos,
    channelId: string,
    event: IncomingMessageEvent,
    person: Person,
  ): Promise<boolean> {
    if (event.chat.kind !== 'private' || event.isStart || !event.text?.startsWith('/')) return false;
    for (const hook of this.commandHooks)
      if (await hook(r, { channelId, event, contact: person.contact, identity: person.identity }))
        return true;
    return false;
  }

  /** Records a button tap (once per tap id) and lets the owner of its data prefix answer it. */
  private async tap(
    r: Repos,
    channelId: string,
    event: IncomingCallbackEvent,
    person: Person,
  ): Promise<ReceiveResult> {
    const chat = event.chat?.externalId;
    const message =
      chat && event.messageId ? await r.messages.findInChat(channelId, chat, event.messageId) : undefined;
    const conversation = message
      ? ((await r.conversations.get(message.conversationId)) ?? null)
      : chat
        ? ((await r.conversations.findOpenForUpdate(channelId, chat)) ?? null)
        : null;
    const tap = await r.buttonTaps.insert({
      channelId,
      contactId: person.contact.id,
      conversationId: conversation?.id ?? null,
      messageSourceId: event.messageId ?? null,
      externalId: event.callbackQueryId,
      data: event.data ?? null,
    });
    const callbackAnswer =
      tap && event.data !== undefined
        ? await this.callbacks.route(r, {
            channelId,
            tap,
            data: event.data,
            contact: person.contact,
            conversation,
          })
        : {};
    return { ...person, ...NOTHING_RECORDED, conversation, message: message ?? null, callbackAnswer };
  }

  /** Finds or creates the contact behind a sender and refreshes what the platform says about them. */
  private async identify(
    r: Repos,
    channelId: string,
    sender: SenderRef,
    at: Date,
    opts: { start?: boolean; startPayload?: string; noActivity?: boolean } = {},
  ): Promise<Person> {
    // Absent fields are not erased: a person hiding their username later should not wipe what an agent saw.
    const profile = profileOf(sender, opts.noActivity ? null : at);

    const existing = await r.identities.findForUpdate(channelId, sender.externalId);
    if (!existing) {
      const contact = await r.contacts.create({
        ...profile,
        name: [sender.firstName, sender.lastName].filter(Boolean).join(' ') || null,
        source: opts.start && opts.startPayload ? opts.startPayload : null,
      });
      const identity = await r.identities.create(contact.id, channelId, sender.externalId, at);
      return { contact, identity, createdContact: true };
    }
    const current = await r.contacts.get(existing.contactId, true);
    if (!current) throw new Error(`identity ${existing.id} has no contact`);
    if (opts.start) {
      // The first deep-link payload is where the person came from; later ones do not rewrite history.
      if (opts.startPayload && current.source === null) profile.source = opts.startPayload;
      // /start again is the person asking to hear from us again.
      if (!current.subscribed) profile.subscribed = true;
    }
    // Activity is kept to the minute (profileChanges); profile changes are written at once.
    const changes = profileChanges(current, profile);
    const contact = changes ? ((await r.contacts.update(current.id, changes)) ?? current) : current;
    if (movesForward(existing.lastSeenAt, at)) await r.identities.touch(existing.id, at);
    return { contact, identity: existing, createdContact: false, contactChanged: changes !== null };
  }

  /** contact.created / contact.updated, only when the row was written. */
  private async publish(r: Repos, person: Person): Promise<void> {
    if (!person.createdContact && person.contactChanged === false) return;
    const event = person.createdContact ? 'contact.created' : 'contact.updated';
    await r.realtime.publish('contacts', event, { contact: person.contact as never });
  }
}

/** The person behind an event, as identify() found or created them; `contactChanged` false when nothing was written. */
type Person = Pick<ReceiveResult, 'contact' | 'identity' | 'createdContact'> & { contactChanged?: boolean };

const NOTHING_RECORDED = {
  conversation: null,
  message: null,
  created: false,
  edited: false,
  throttled: false,
} as const;
