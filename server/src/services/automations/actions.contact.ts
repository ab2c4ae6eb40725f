import { DomainError } from '../../lib/errors.ts';
import type { Actor } from '../../repositories/audit.repository.ts';
import { nextLocalTime } from '../broadcast-timing.ts';
import { normalizeTags } from '../contact-fields.ts';
import type { NotificationsService } from '../notifications.service.ts';
import type { TemplatesService } from '../templates.service.ts';
import type { ActionHandler, AutomationAction, CouponIssuer, StaffNotifier, StepInput } from './types.ts';

type Of<T extends AutomationAction['type']> = Extract<AutomationAction, { type: T }>;

/** What the contact actions call; coupons and staff alerts arrive when their services exist (AutomationsService.use). */
export interface ContactActionDeps {
  notifications: Pick<NotificationsService, 'trigger'>;
  templates: Pick<TemplatesService, 'preview'>;
  coupons: () => CouponIssuer | null;
  staffAlerts: () => StaffNotifier | null;
}

/** The key that makes a step's side effect happen once however often the step is retried. */
export const stepKey = (run: { id: number }, step: number) => `automation:${run.id}:${step}`;

const AUTOMATION_ACTOR: Actor = { type: 'system', id: null, name: 'automation' };

/** The template data of a notification step: the run's context (event, conversation, coupon…) plus the action's data. */
function notificationData(input: Omit<StepInput<Of<'send_notification'>>, 'repos'>): Record<string, unknown> {
  const { _conditions, ...context } = input.run.context;
  return { ...context, ...(input.action.data ?? {}) };
}

async function contactZone(
  input: StepInput | Omit<StepInput, 'repos'>,
  r: StepInput['repos'],
): Promise<string> {
  const contact = input.run.contactId ? await r.contacts.get(input.run.contactId) : undefined;
  if (contact?.timezone) return contact.timezone;
  const tz = await r.settings.get('default_timezone');
  return typeof tz === 'string' ? tz : 'Europe/Moscow';
}

function needContact(input: { run: { contactId: string | null } }): string {
  if (!input.run.contactId)
    throw new DomainError('no_contact', 'this action needs a contact and the run has none');
  return input.run.contactId;
}

/** The actions about a contact: notification, wait, stop_if_event, tags, attribute, coupon, staff alert. */
export function contactActions(deps: ContactActionDeps, repos: () => StepInput['repos']) {
  const handlers: { [T in AutomationAction['type']]?: ActionHandler<Of<T>> } = {
    send_notification: {
      async run(input) {
        const { notification, duplicate } = await deps.notifications.trigger(AUTOMATION_ACTOR, {
          type: input.action.notificationType,
          to: { contactId: needContact(input) },
          data: notificationData(input),
          ...(input.action.channels
            ? { channels: input.action.channels as Array<'telegram' | 'email'> }
            : {}),
          idempotencyKey: stepKey(input.run, input.run.step),
        });
        return { kind: 'next', detail: { notificationId: notification.id, duplicate } };
      },
      async describe(input) {
        const type = await repos().notificationTypes.getByKey(input.action.notificationType);
        const templateId = type?.telegramTemplateId ?? type?.emailTemplateId;
        let rendered: string | null = null;
        let problem: string | null = type ? null : `no notification type "${input.action.notificationType}"`;
        if (templateId && input.run.contactId) {
          try {
            const preview = await deps.templates.preview(templateId, {
              contactId: input.run.contactId,
              data: notificationData(input),
            });
            rendered = preview.text;
          } catch (err) {
            problem = err instanceof Error ? err.message : String(err);
          }
        }
        return {
          step: input.run.step,
          type: 'send_notification',
          summary: `send the notification "${input.action.notificationType}"`,
          detail: { notificationType: input.action.notificationType, text: rendered, problem },
        };
      },
    },
    wait: {
      async run(input) {
        const until = await waitUntil(input, repos());
        return { kind: 'wait', until, detail: { until: until.toISOString() } };
      },
      async describe(input) {
        const until = await waitUntil(input, repos());
        return {
          step: input.run.step,
          type: 'wait',
          summary: `wait until ${until.toISOString()}`,
          detail: { until: until.toISOString() },
        };
      },
    },
    stop_if_event: {
      async run(input) {
        const found = await eventMeanwhile(input, input.repos);
        return found
          ? { kind: 'stop', detail: { event: input.action.event, eventId: found.id } }
          : { kind: 'next', detail: { event: input.action.event, found: false } };
      },
      async describe(input) {
        const found = await eventMeanwhile(input, repos());
        return {
          step: input.run.step,
          type: 'stop_if_event',
          summary: found
            ? `stop: "${input.action.event}" already happened`
            : `stop if "${input.action.event}" happens before this step (it has not so far)`,
          detail: {
            event: input.action.event,
            sameOccurrence: input.action.sameOccurrence ?? false,
            happened: !!found,
          },
        };
      },
    },
    add_tags: {
      async run(input) {
        const tags = normalizeTags(input.action.tags);
        await input.repos.contacts.bulkUpdate({ ids: [needContact(input)] }, 'addTags', tags);
        return { kind: 'next', detail: { tags } };
      },
      describe: async (input) => ({
        step: input.run.step,
        type: 'add_tags',
        summary: `add tags ${normalizeTags(input.action.tags).join(', ')}`,
        detail: { tags: normalizeTags(input.action.tags) },
      }),
    },
    remove_tags: {
      async run(input) {
        const tags = normalizeTags(input.action.tags);
        await input.repos.contacts.bulkUpdate({ ids: [needContact(input)] }, 'removeTags', tags);
        return { kind: 'next', detail: { tags } };
      },
      describe: async (input) => ({
        step: input.run.step,
        type: 'remove_tags',
        summary: `remove tags ${normalizeTags(input.action.tags).join(', ')}`,
        detail: { tags: normalizeTags(input.action.tags) },
      }),
    },
    set_attribute: {
      async run(input) {
        await input.repos.automationRuns.setContactAttribute(
          needContact(input),
          input.action.key,
          input.action.value,
        );
        return { kind: 'next', detail: { key: input.action.key, value: input.action.value } };
      },
      describe: async (input) => ({
        step: input.run.step,
        type: 'set_attribute',
        summary: `set the attribute ${input.action.key} to ${JSON.stringify(input.action.value)}`,
        detail: { key: input.action.key, value: input.action.value },
      }),
    },
    issue_coupon: {
      async run(input) {
        const coupons = deps.coupons();
        if (!coupons) return { kind: 'fail', error: 'coupons are not available' };
        const { coupon } = await coupons.issue({
          campaignId: input.action.campaignId,
          contactId: needContact(input),
          source: 'automation',
          sourceRef: stepKey(input.run, input.run.step),
          deliver: input.action.deliver,
        });
        // Later steps' templates read it as data.coupon.code.
        return { kind: 'next', detail: { couponId: coupon.id }, context: { coupon } };
      },
      describe: async (input) => ({
        step: input.run.step,
        type: 'issue_coupon',
        summary: `issue a coupon of campaign ${input.action.campaignId}${input.action.deliver ? ' and send it' : ''}`,
        detail: { campaignId: input.action.campaignId, available: deps.coupons() !== null },
      }),
    },
    notify_staff: {
      async run(input) {
        const staff = deps.staffAlerts();
        if (!staff) return { kind: 'fail', error: 'staff alerts are not available' };
        await staff.notify({ kind: 'automation', text: input.action.text, roles: input.action.roles });
        return { kind: 'next', detail: { roles: input.action.roles ?? ['owner', 'admin'] } };
      },
      describe: async (input) => ({
        step: input.run.step,
        type: 'notify_staff',
        summary: `tell staff (${(input.action.roles ?? ['owner', 'admin']).join(', ')}): ${input.action.text}`,
        detail: { text: input.action.text, roles: input.action.roles ?? ['owner', 'admin'] },
      }),
    },
  };
  return handlers;
}

/** A duration from now, or the next time the contact's clock (else the workspace's) shows HH:MM. */
async function waitUntil(input: Omit<StepInput<Of<'wait'>>, 'repos'>, r: StepInput['repos']): Promise<Date> {
  if (input.action.seconds !== undefined) return new Date(input.now.getTime() + input.action.seconds * 1000);
  return nextLocalTime(input.now, await contactZone(input, r), input.action.untilLocalTime!);
}

/**
 * The event since the run's trigger: after the triggering event's own time when there is one (a purchase after the cart
 * was abandoned, even if reported late), else since the run started. `sameOccurrence` also requires the trigger's
 * occurrence property (e.g. cartId) to be equal.
 */
async function eventMeanwhile(input: Omit<StepInput<Of<'stop_if_event'>>, 'repos'>, r: StepInput['repos']) {
  if (!input.run.contactId) return undefined;
  const trigger = input.run.context.event as
    | { occurredAt?: string; properties?: Record<string, unknown> }
    | undefined;
  const since = trigger?.occurredAt ? new Date(trigger.occurredAt) : input.run.createdAt;
  let same: { property: string; value: unknown } | undefined;
  if (input.action.sameOccurrence && input.trigger.kind === 'event' && input.trigger.occurrenceProperty) {
    const value = trigger?.properties?.[input.trigger.occurrenceProperty];
    if (value !== undefined && value !== null) same = { property: input.trigger.occurrenceProperty, value };
  }
  return r.automationRuns.eventSince(input.run.contactId, input.action.event, since, same);
}
