import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/** GET/PUT /api/v1/contacts/:id/preferences: validation naming fields, the stored effect, the effective view, audit. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
type Json = Record<string, any>;

let app: TestApp;
let admin: string;
let readonly: string;

const call = (method: 'GET' | 'PUT', url: string, token: string, payload?: Json) =>
  app.http!.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

async function newContact(fields: Json = {}): Promise<string> {
  const res = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/contacts',
    headers: bearer(admin),
    payload: { name: 'Анна', ...fields },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const effective = (body: Json, key: string) => (body.effective as Json[]).find((e) => e.key === key)!;

beforeAll(async () => {
  app = await startTestApp();
  admin = (await app.userWithRole('admin')).token;
  readonly = (await app.userWithRole('readonly')).token;
});

afterAll(async () => {
  await app?.stop();
});

describe('contact preferences API', () => {
  it('shows everything on for a new contact, with each built-in type filled in', async () => {
    const id = await newContact({ email: 'anna@example.com', language: 'en' });
    const res = await call('GET', `/api/v1/contacts/${id}/preferences`, readonly);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      contactId: id,
      subscribed: true,
      preferredChannel: null,
      channels: { telegram: true, email: true },
      reachable: { telegram: false, email: true },
    });
    expect(Object.keys(body.types)).toEqual(
      expect.arrayContaining(['payment_success', 'payment_failed', 'new_lesson', 'promo_code_available']),
    );
    expect(body.types.new_lesson).toEqual({ enabled: true, channels: { telegram: true, email: true } });
    // In the contact's language, and reachable by email only.
    expect(effective(body, 'new_lesson')).toMatchObject({
      name: 'New lesson',
      enabled: true,
      channels: ['telegram', 'email'],
      channel: 'email',
    });
  });

  it('stores a change and shows its effect: marketing off, a type off, a channel off, email preferred', async () => {
    const id = await newContact({ email: 'boris@example.com', language: 'ru' });
    const res = await call('PUT', `/api/v1/contacts/${id}/preferences`, admin, {
      subscribed: false,
      preferredChannel: 'email',
      channels: { telegram: false },
      types: { new_lesson: { enabled: false }, support_response: { channels: { email: false } } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      subscribed: false,
      preferredChannel: 'email',
      channels: { telegram: false, email: true },
    });
    expect(body.types.new_lesson.enabled).toBe(false);
    expect(body.types.support_response).toEqual({
      enabled: true,
      channels: { telegram: true, email: false },
    });
    expect(effective(body, 'new_lesson')).toMatchObject({
      enabled: false,
      reason: 'type_opted_out',
      name: 'Новый урок',
    });
    expect(effective(body, 'promo_code_available')).toMatchObject({ enabled: false, reason: 'unsubscribed' });
    // Telegram is off for the contact, email is off for this type: nothing left.
    expect(effective(body, 'support_response')).toMatchObject({
      enabled: false,
      reason: 'all_channels_opted_out',
    });
    // Critical types ignore the opt-outs.
    expect(effective(body, 'payment_failed')).toMatchObject({
      enabled: true,
      critical: true,
      channels: ['email', 'telegram'],
    });
    expect(effective(body, 'payment_success')).toMatchObject({ enabled: true, channels: ['email'] });

    // Stored where the delivery job reads it, and the marketing switch is the contact's own field.
    const row = await app.services.ctx.repos.preferences.get(id);
    expect(row).toMatchObject({
      preferredChannel: 'email',
      channels: { telegram: false },
      types: { new_lesson: { enabled: false }, support_response: { channels: { email: false } } },
    });
    const contact = await app.services.ctx.repos.contacts.get(id);
    expect(contact?.subscribed).toBe(false);
    expect(contact?.unsubscribedAt).not.toBeNull();

    // Audited like other contact changes.
    const audit = await app.services.ctx.db
      .selectFrom('auditLog')
      .selectAll()
      .where('entityId', '=', id)
      .where('action', '=', 'contact.preferences_updated')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorType).toBe('user');
  });

  it('keeps parts left out, and replaces the per-type choices as a whole', async () => {
    const id = await newContact();
    await call('PUT', `/api/v1/contacts/${id}/preferences`, admin, {
      preferredChannel: 'telegram',
      types: { new_lesson: { enabled: false } },
    });
    const res = await call('PUT', `/api/v1/contacts/${id}/preferences`, admin, {
      types: { welcome: { enabled: false } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().preferredChannel).toBe('telegram');
    expect(res.json().types.new_lesson.enabled).toBe(true);
    expect(res.json().types.welcome.enabled).toBe(false);
    const cleared = await call('PUT', `/api/v1/contacts/${id}/preferences`, admin, {
      preferredChannel: null,
    });
    expect(cleared.json().preferredChannel).toBeNull();
    expect(cleared.json().types.welcome.enabled).toBe(false);
  });

  it('refuses an unknown type key and a critical type turned off, naming the field, and writes nothing', async () => {
    const id = await newContact();
    const unknown = await call('PUT', `/api/v1/contacts/${id}/preferences`, admin, {
      subscribed: false,
      types: { no_such_type: { enabled: false } },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([
      { path: '/types/no_such_type', message: expect.stringContaining('unknown notification type') },
    ]);

    const critical = await call('PUT', `/api/v1/contacts/${id}/preferences`, admin, {
      types: { payment_failed: { enabled: false } },
    });
    expect(critical.statusCode).toBe(400);
    expect(critical.json().error.details).toEqual([
      { path: '/types/payment_failed/enabled', message: expect.stringMatching(/critical/) },
    ]);

    expect((await app.services.ctx.repos.contacts.get(id))?.subscribed).toBe(true);
    expect(await app.services.ctx.repos.preferences.get(id)).toBeUndefined();
  });

  it('refuses malformed bodies by schema, naming the field', async () => {
    const id = await newContact();
    const badChannel = await call('PUT', `/api/v1/contacts/${id}/preferences`, admin, {
      preferredChannel: 'sms',
    });
    expect(badChannel.statusCode).toBe(400);
    expect(JSON.stringify(badChannel.json().error.details)).toMatch(/preferredChannel/);
    const unknownField = await call('PUT', `/api/v1/contacts/${id}/preferences`, admin, {
      channels: { whatsapp: false },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(JSON.stringify(unknownField.json().error.details)).toMatch(/channels/);
  });

  it('answers 404 for an unknown contact and 403 to a read-only role changing', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await call('GET', `/api/v1/contacts/${missing}/preferences`, admin)).statusCode).toBe(404);
    expect((await call('PUT', `/api/v1/contacts/${missing}/preferences`, admin, {})).statusCode).toBe(404);
    const id = await newContact();
    expect(
      (await call('PUT', `/api/v1/contacts/${id}/preferences`, readonly, { subscribed: false })).statusCode,
    ).toBe(403);
  });
});
