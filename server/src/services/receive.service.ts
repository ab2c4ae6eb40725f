import type { IncomingEvent, SenderRef } from '../channels/channel.ts';
import type { Contact } from '../db/schema.ts';
import type { ContactFields } from '../repositories/contacts.repository.ts';
import type { Identity } from '../repositories/identities.repository.ts';
import type { Repos } from '../repositories/index.ts';

/** What receiving one event did to the person behind it; null when the event names no person we keep. */
export interface ReceiveResult {
  contact: Contact;
  identity: Identity;
  createdContact: boolean;
}

/**
 * The channel-neutral step from a mapped event to our records: finds or creates the contact and its identity,
 * refreshes the profile, applies /start (source, re-subscribe) and blocked/unblocked.
 * It runs inside the caller's transaction (`r`), so the update is marked processed with exactly these writes.
 * Seam for the inbox issue: storing the message in a conversation goes after `identify`, using the result.
 */
export class ReceiveService {
  async apply(r: Repos, channelId: string, event: IncomingEvent): Promise<ReceiveResult | null> {
    switch (event.type) {
      case 'message':
      case 'message_edited': {
        if (event.sender.isBot) return null;
        const result = await this.identify(r, channelId, event.sender, event.sentAt, {
          start: event.type === 'message' && event.isStart === true,
          startPayload: event.type === 'message' ? event.startPayload : undefined,
        });
        return this.publish(r, result);
      }
      case 'callback':
        return event.sender.isBot
          ? null
          : this.publish(r, await this.identify(r, channelId, event.sender, new Date()));
      case 'membership': {
        // In a private chat the actor is the person; in groups, membership changes are about the bot, not them.
        if (event.chat.kind !== 'private' || (event.change !== 'blocked' && event.change !== 'unblocked'))
          return null;
        const result = await this.identify(r, channelId, event.actor, event.at, { noActivity: true });
        const reachable = event.change === 'unblocked';
        await r.identities.setReachable(
          result.identity.id,
          reachable,
          reachable ? null : 'blocked by the user',
        );
        result.identity = { ...result.identity, reachable };
        return this.publish(r, result);
      }
      case 'chat_migrated':
        // Conversations (the inbox issue) follow the group to its new id; no person is involved.
        return null;
    }
  }

  /** Finds or creates the contact behind a sender and refreshes what the platform says about them. */
  private async identify(
    r: Repos,
    channelId: string,
    sender: SenderRef,
    at: Date,
    opts: { start?: boolean; startPayload?: string; noActivity?: boolean } = {},
  ): Promise<ReceiveResult> {
    const profile: ContactFields = { firstName: sender.firstName };
    // Absent fields are not erased: a person hiding their username later should not wipe what an agent saw.
    if (sender.lastName !== undefined) profile.lastName = sender.lastName;
    if (sender.username !== undefined) profile.username = sender.username;
    if (sender.languageCode !== undefined) profile.language = sender.languageCode;
    if (!opts.noActivity) profile.lastActivityAt = at;

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
    if (profile.lastActivityAt && current.lastActivityAt && current.lastActivityAt > profile.lastActivityAt)
      delete profile.lastActivityAt;
    const contact = (await r.contacts.update(current.id, profile)) ?? current;
    await r.identities.touch(existing.id, at);
    return { contact, identity: existing, createdContact: false };
  }

  private async publish(r: Repos, result: ReceiveResult): Promise<ReceiveResult> {
    const event = result.createdContact ? 'contact.created' : 'contact.updated';
    await r.realtime.publish('contacts', event, { contact: result.contact as never });
    return result;
  }
}
