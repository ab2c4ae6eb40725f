import type { RenderContact, RenderWorkspace } from './types.ts';

/**
 * The variables a template sees. Built fresh per render from plain copies, so a template can only read
 * what is listed here (and `ownPropertyOnly` keeps it off prototypes).
 */

/** What `contact.*` offers; `name` falls back to first + last name, so greetings work for Telegram-made contacts. */
export function contactVariables(c: RenderContact): Record<string, unknown> {
  const fullName = [c.firstName, c.lastName].filter((s) => s?.trim()).join(' ');
  return {
    id: c.id ?? null,
    externalId: c.externalId ?? null,
    name: c.name || fullName || null,
    firstName: c.firstName ?? null,
    lastName: c.lastName ?? null,
    username: c.username ?? null,
    email: c.email ?? null,
    phone: c.phone ?? null,
    language: c.language ?? null,
    timezone: c.timezone ?? null,
    tags: [...(c.tags ?? [])],
    attributes: { ...(c.attributes ?? {}) },
    birthday: c.birthday ?? null,
  };
}

/** The whole scope of one render: `contact`, `workspace`, `data`. */
export function buildScope(
  contact: RenderContact,
  workspace: RenderWorkspace,
  data: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return {
    contact: contactVariables(contact),
    workspace: { name: workspace.name, timezone: workspace.timezone, locale: workspace.locale },
    data: data ?? {},
  };
}

/**
 * The documented sample contact for previews and validation: a plausible person in the preview language,
 * in the workspace's time zone, with one custom attribute.
 */
export function sampleContact(language: string, timezone: string): RenderContact {
  const ru = language.split('-')[0] === 'ru';
  return {
    id: '00000000-0000-0000-0000-000000000000',
    externalId: 'sample-1',
    name: ru ? 'Анна Иванова' : 'Anna Ivanova',
    firstName: ru ? 'Анна' : 'Anna',
    lastName: ru ? 'Иванова' : 'Ivanova',
    username: 'anna_ivanova',
    email: 'anna@example.com',
    phone: '+79001234567',
    language,
    timezone,
    tags: ['sample'],
    attributes: { city: ru ? 'Москва' : 'Moscow' },
    birthday: '1990-05-17',
  };
}
