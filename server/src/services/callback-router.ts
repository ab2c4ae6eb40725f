import type { ButtonTap, Contact, Conversation } from '../db/schema.ts';
import type { Repos } from '../repositories/index.ts';

/** What the person sees after tapping: a short toast, or an alert they must dismiss. Empty: the spinner just stops. */
export interface CallbackAnswer {
  text?: string;
  showAlert?: boolean;
}

/** One recorded tap, as an owner's handler receives it. */
export interface CallbackTap {
  channelId: string;
  tap: ButtonTap;
  /** The button's full data, prefix included. */
  data: string;
  contact: Contact;
  conversation: Conversation | null;
}

/**
 * Handles taps of one owner's buttons. It runs inside the receive transaction (`r`): its writes commit with the
 * tap, and an error fails the whole update, which the job then retries. Keep it short; queue jobs for slow work.
 */
export type CallbackHandler = (r: Repos, tap: CallbackTap) => Promise<CallbackAnswer | undefined>;

/** Prefixes are short lowercase words ending in a colon, e.g. `csat:`; Telegram allows 64 bytes of data in all. */
const PREFIX = /^[a-z][a-z0-9_-]{0,15}:$/;

/**
 * Routes button taps to their owner by data prefix (`csat:`, `pref:`, `bc:` …). Owners register at start-up;
 * the longest matching prefix wins; data no owner claims gets an empty answer.
 */
export class CallbackRouter {
  private readonly handlers = new Map<string, CallbackHandler>();

  register(prefix: string, handler: CallbackHandler): void {
    if (!PREFIX.test(prefix)) throw new Error(`invalid callback prefix "${prefix}"`);
    if (this.handlers.has(prefix)) throw new Error(`callback prefix "${prefix}" is already registered`);
    this.handlers.set(prefix, handler);
  }

  /** Removes a registration (tests, or an owner switched off). */
  unregister(prefix: string): void {
    this.handlers.delete(prefix);
  }

  /** The handler for this data, or undefined when no owner claims it. */
  handlerFor(data: string): CallbackHandler | undefined {
    let best: string | undefined;
    for (const prefix of this.handlers.keys())
      if (data.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
    return best === undefined ? undefined : this.handlers.get(best);
  }

  /** Calls the owner of the tap's data; an empty answer when there is none. */
  async route(r: Repos, tap: CallbackTap): Promise<CallbackAnswer> {
    const handler = this.handlerFor(tap.data);
    return (handler ? await handler(r, tap) : undefined) ?? {};
  }
}
