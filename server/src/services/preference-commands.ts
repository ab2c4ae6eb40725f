import { ChannelRejectedError } from '../channels/errors.ts';
import { preferenceCommandNames } from '../channels/telegram/telegram.settings.ts';
import type { JobMap } from '../jobs/job-map.ts';
import type { Repos } from '../repositories/index.ts';
import type { CallbackAnswer, CallbackHandler } from './callback-router.ts';
import type { ServiceContext } from './context.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { type MenuView, parseMenuTap, renderMenu, tapToast } from './preference-commands.menu.ts';
import { contactActor, type PreferencesService } from './preferences.service.ts';
import { stateOf, withTypesEnabled } from './preferences.view.ts';
import type { CommandHook } from './receive.service.ts';
import { replyLanguage } from './reply-language.ts';

/** `/name`, optionally addressed `/name@bot`, then the end or a space. */
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s|$)/;

/**
 * One queue per contact: menus and edits go out in the order asked. The job key coalesces what is still waiting: a
 * second /settings before the first menu went out sends one menu, and quick taps on one message leave one pending edit
 * (the job renders the state when it runs, so that one edit shows the last tap).
 */
function menuJobOptions(job: JobMap['preferences.menu']) {
  return {
    queueName: `preferences:${job.contactId}`,
    jobKey: job.messageId
      ? `preferences-edit:${job.channelId}:${job.chatExternalId}:${job.messageId}`
      : `preferences-menu:${job.channelId}:${job.contactId}:${job.view}`,
    maxAttempts: 5,
  };
}

/**
 * The customer's side of preferences in Telegram: `/settings` (name per channel: settings.settingsCommand) answers with
 * a menu of inline buttons that switch notification types and the marketing switch, editing the same message on each
 * tap; `/stop` (settings.stopCommand) unsubscribes from marketing and offers a one-tap way back. The commands are not
 * inbox messages: they open or reopen no conversation. Menus are sent and edited by the `preferences.menu` job, which
 * renders the state as it is when it runs (so the last edit after quick taps shows the final state).
 */
export class PreferenceCommands {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly preferences: PreferencesService,
    private readonly adapters: TelegramAdapters,
  ) {}

  /** The command hook (ReceiveService.onCommand): takes the channel's settings and stop commands. */
  readonly onCommand: CommandHook = async (r, { channelId, event, contact, identity }) => {
    const name = COMMAND.exec(event.text ?? '')?.[1]?.toLowerCase();
    if (!name) return false;
    const channel = await r.channels.get(channelId);
    // Bot commands are a Telegram thing: an email starting with "/stop" is a customer's message like any other.
    if (channel?.type !== 'telegram') return false;
    const names = preferenceCommandNames(channel.settings as Record<string, unknown>);
    let view: MenuView;
    if (name === names.settings) view = 'settings';
    else if (name === names.stop) {
      if (contact.subscribed)
        await this.preferences.apply(r, contactActor('Telegram /stop'), contact.id, { subscribed: false });
      view = 'stopped';
    } else return false;
    await queueMenu(r, { channelId, contactId: contact.id, chatExternalId: identity.externalId, view });
    return true;
  };

  /** The `pref:` button owner: applies what the button says, answers with a toast, and queues the menu's edit. */
  readonly onTap: CallbackHandler = async (r, tap): Promise<CallbackAnswer> => {
    const lang = await replyLanguage(r, tap.contact.language);
    const parsed = parseMenuTap(tap.data);
    const messageId = tap.tap.messageSourceId;
    // Private chats only: there the chat is the person, whose identity on this channel names it.
    const chat = (await r.contacts.identities(tap.contact.id)).find((i) => i.channelId === tap.channelId);
    if (!parsed || !messageId || !chat) return { text: tapToast(lang, 'unknown') };
    const actor = contactActor('Telegram /settings');
    let view: MenuView = 'settings';
    let toast: CallbackAnswer = {};
    if (parsed.kind === 'type') {
      const types = await this.preferences.types(r);
      const type = types.find((t) => t.id === parsed.typeId);
      if (!type || type.critical || !type.enabled) return { text: tapToast(lang, 'unknown') };
      const locked = await r.contacts.get(tap.contact.id, true);
      const state = stateOf(locked?.subscribed ?? true, await r.preferences.get(tap.contact.id));
      await this.preferences.apply(r, actor, tap.contact.id, {
        types: withTypesEnabled(state, types, { [type.key]: parsed.enabled }),
      });
      toast = { text: tapToast(lang, parsed.enabled ? 'turnedOn' : 'turnedOff') };
    } else if (parsed.kind === 'marketing') {
      await this.preferences.apply(r, actor, tap.contact.id, { subscribed: parsed.enabled });
      toast = { text: tapToast(lang, parsed.enabled ? 'turnedOn' : 'turnedOff') };
    } else if (parsed.kind === 'resubscribe') {
      await this.preferences.apply(r, actor, tap.contact.id, { subscribed: true });
      view = 'resubscribed';
    }
    await queueMenu(r, {
      channelId: tap.channelId,
      contactId: tap.contact.id,
      chatExternalId: chat.externalId,
      view,
      messageId,
    });
    return toast;
  };

  /**
   * The `preferences.menu` job: renders the contact's current choices in their language and sends the menu, or edits it
   * into the message tapped. A refusal (blocked bot, message gone) is logged and dropped: the customer can ask again;
   * an unavailable Telegram is retried by the job.
   */
  async showMenu(job: JobMap['preferences.menu']): Promise<void> {
    const r = this.ctx.repos;
    const [channel, contact] = await Promise.all([
      r.channels.get(job.channelId),
      r.contacts.get(job.contactId),
    ]);
    if (channel?.status !== 'active' || !contact) return;
    const [types, row, lang] = await Promise.all([
      this.preferences.types(r),
      r.preferences.get(contact.id),
      replyLanguage(r, contact.language),
    ]);
    const menu = renderMenu(job.view, lang, stateOf(contact.subscribed, row), types);
    const adapter = this.adapters.forChannel(channel, 'interactive');
    try {
      if (job.messageId)
        await adapter.edit({ chatExternalId: job.chatExternalId, externalId: job.messageId }, menu);
      else await adapter.send({ chatExternalId: job.chatExternalId, ...menu });
    } catch (err) {
      if (!(err instanceof ChannelRejectedError)) throw err;
      this.ctx.log.warn({ err, channelId: channel.id, contactId: contact.id }, 'preference menu refused');
      // Blocked since the command (or the account is gone): notifications must not try this identity first.
      if (err.recipientUnreachable) {
        const identity = await r.identities.findForUpdate(channel.id, job.chatExternalId);
        if (identity) await r.identities.setReachable(identity.id, false, err.description);
      }
    }
  }
}

function queueMenu(r: Repos, payload: JobMap['preferences.menu']) {
  return r.jobs.add('preferences.menu', payload, menuJobOptions(payload));
}
