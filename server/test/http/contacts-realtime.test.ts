import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_CHANNEL } from '../../src/realtime/event-map.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { type Api, adminApi, type Body } from './contacts.helpers.ts';

/** Contact writes reach a plain LISTENing Postgres client, and only once their transaction commits. */

type Message = { room: string; event: string; data: Body };

let app: TestApp;
let api: Api;
let listener: pg.Client;
const queued: Message[] = [];
const waiting: Array<(m: Message) => void> = [];

/** The next notification, in delivery order. */
const next = (): Promise<Message> => {
  const m = queued.shift();
  return m ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve));
};

beforeAll(async () => {
  app = await startTestApp();
  api = await adminApi(app);
  listener = new pg.Client({ connectionString: app.databaseUrl });
  await listener.connect();
  listener.on('notification', (n) => {
    const m = JSON.parse(n.payload!) as Message;
    const w = waiting.shift();
    if (w) w(m);
    else queued.push(m);
  });
  await listener.query(`listen ${REALTIME_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
  await app.stop();
});

describe('contacts realtime', () => {
  it('publishes created, updated and deleted to the contacts room', async () => {
    const c = (await api.post('/api/v1/contacts', { name: 'Live', email: 'live@example.com' })).json();
    expect(await next()).toMatchObject({
      room: 'contacts',
      event: 'contact.created',
      data: { contact: { id: c.id, name: 'Live', email: 'live@example.com' } },
    });
    await api.patch(`/api/v1/contacts/${c.id}`, { name: 'Live 2' });
    expect(await next()).toMatchObject({
      event: 'contact.updated',
      data: { contact: { id: c.id, name: 'Live 2' } },
    });
    await api.delete(`/api/v1/contacts/${c.id}`);
    expect(await next()).toEqual({
      room: 'contacts',
      event: 'contact.deleted',
      data: { id: c.id },
      at: expect.any(String),
    });
  });

  it('publishes one update per contact of a small bulk action, and deleted plus updated on merge', async () => {
    const a = (await api.post('/api/v1/contacts', { name: 'Bulk A' })).json();
    const b = (await api.post('/api/v1/contacts', { name: 'Bulk B' })).json();
    await next();
    await next();
    await api.post('/api/v1/contacts/bulk', { action: 'addTags', ids: [a.id, b.id], tags: ['x'] });
    const events = [await next(), await next()];
    expect(events.map((e) => [e.event, e.data.contact.id]).sort()).toEqual(
      [
        ['contact.updated', a.id],
        ['contact.updated', b.id],
      ].sort(),
    );
    await api.post(`/api/v1/contacts/${a.id}/merge`, { sourceId: b.id });
    expect(await next()).toMatchObject({ event: 'contact.deleted', data: { id: b.id } });
    expect(await next()).toMatchObject({ event: 'contact.updated', data: { contact: { id: a.id } } });
  });

  it('publishes nothing for a write whose transaction fails after the event was queued', async () => {
    const db = app.services.ctx.db;
    // A deferred constraint trigger fails the commit itself, after the service has already published.
    await sql`
      create function test_fail_at_commit() returns trigger language plpgsql as $$
      begin
        if new.name = 'fail at commit' then raise exception 'refused at commit' using errcode = 'check_violation'; end if;
        return null;
      end $$`.execute(db);
    await sql`
      create constraint trigger test_fail_at_commit after insert or update on contacts
      deferrable initially deferred for each row execute function test_fail_at_commit()`.execute(db);
    try {
      const failed = await api.post('/api/v1/contacts', { name: 'fail at commit' });
      expect(failed.statusCode).not.toBe(201);
      expect(
        await db.selectFrom('contacts').select('id').where('name', '=', 'fail at commit').execute(),
      ).toEqual([]);
      // Notifications arrive in commit order, so if the failed write had published, it would come first.
      const ok = (await api.post('/api/v1/contacts', { name: 'after the failure' })).json();
      expect(await next()).toMatchObject({ event: 'contact.created', data: { contact: { id: ok.id } } });
    } finally {
      await sql`drop trigger test_fail_at_commit on contacts`.execute(db);
      await sql`drop function test_fail_at_commit()`.execute(db);
    }
  });

  it('publishes nothing for a rejected write', async () => {
    await api.post('/api/v1/contacts', { externalId: 'taken' });
    await next();
    expect((await api.post('/api/v1/contacts', { externalId: 'taken' })).statusCode).toBe(409);
    expect((await api.post('/api/v1/contacts', { email: 'bad' })).statusCode).toBe(400);
    const ok = (await api.post('/api/v1/contacts', { name: 'fine' })).json();
    expect(await next()).toMatchObject({ event: 'contact.created', data: { contact: { id: ok.id } } });
  });
});
