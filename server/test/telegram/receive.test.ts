import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, contactOf, newBot, textUpdate, tgUser } from './receiving.helpers.ts';

let tg: FakeTelegram;
let app: TestApp;
let channelId: string;

/** Stores an update without queueing its job, so the test decides when and how often it is processed. */
async function storeOnly(update: { update_id: number }): Promise<number> {
  const id = await app.services.ctx.repos.telegramUpdates.insert(channelId, update.update_id, update);
  if (id === null) throw new Error('already stored');
  return id;
}

beforeAll(async () => {
  tg = await FakeTelegram.start();
  // An api process: no job runner, no pollers; the tests call processing themselves.
  app = await startTestApp({ role: 'api', env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  channelId = await connectBot(app, newBot(tg).token);
});
afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('processing stored updates', () => {
  it('processes an update once however often its job runs', async () => {
    const user = tgUser();
    const row = await storeOnly(textUpdate(user, 'hi'));
    await app.services.telegram.process(row);
    await app.services.ctx.repos.contacts.update((await contactOf(app, channelId, user.id))[0]!.id, {
      firstName: 'Edited by an agent',
    });
    await app.services.telegram.process(row);
    const [contact] = await contactOf(app, channelId, user.id);
    expect(contact?.firstName).toBe('Edited by an agent');
  });

  it('creates one contact when two first messages of a new person are processed at the same time', async () => {
    const user = tgUser();
    const rows = await Promise.all([storeOnly(textUpdate(user, 'one')), storeOnly(textUpdate(user, 'two'))]);
    await Promise.all(rows.map((r) => app.services.telegram.process(r)));
    expect(await contactOf(app, channelId, user.id)).toHaveLength(1);
    const stored = await app.services.ctx.repos.telegramUpdates.listByChannel(channelId);
    expect(stored.filter((s) => rows.includes(s.id)).every((s) => s.processedAt !== null)).toBe(true);
  });

  it('refreshes the profile from later messages without erasing fields the update leaves out', async () => {
    const user = tgUser({ first_name: 'Old', username: 'old_name', language_code: 'ru' });
    await app.services.telegram.process(await storeOnly(textUpdate(user, 'hi')));
    const { username: _u, language_code: _l, ...renamed } = { ...user, first_name: 'New', last_name: 'Name' };
    await app.services.telegram.process(await storeOnly(textUpdate(renamed, 'renamed')));
    const [contact] = await contactOf(app, channelId, user.id);
    expect(contact).toMatchObject({
      firstName: 'New',
      lastName: 'Name',
      username: 'old_name',
      language: 'ru',
    });
  });

  it('rewrites the contact for activity at most once a minute, and for a profile change at once', async () => {
    const user = tgUser({ first_name: 'Steady' });
    const at = (seconds: number) => {
      const u = textUpdate(user, `at ${seconds}`);
      u.message.date = 1_800_000_000 + seconds;
      return u;
    };
    await app.services.telegram.process(await storeOnly(at(0)));
    const contact = async () => {
      const [row] = await contactOf(app, channelId, user.id);
      return (await app.services.ctx.repos.contacts.get(row!.id))!;
    };
    const first = await contact();
    const identity = async () =>
      (await app.services.ctx.repos.identities.findForUpdate(channelId, String(user.id)))!.lastSeenAt;
    const seenFirst = await identity();

    // 30 s later: same profile, activity within the minute: neither the contact nor the identity is written.
    await app.services.telegram.process(await storeOnly(at(30)));
    const second = await contact();
    expect(second.updatedAt).toEqual(first.updatedAt);
    expect(second.lastActivityAt).toEqual(new Date(1_800_000_000_000));
    expect(await identity()).toEqual(seenFirst);

    // 61 s after the first: activity moves on.
    await app.services.telegram.process(await storeOnly(at(61)));
    const third = await contact();
    expect(third.updatedAt.getTime()).toBeGreaterThan(second.updatedAt.getTime());
    expect(third.lastActivityAt).toEqual(new Date(1_800_000_061_000));
    expect(await identity()).toEqual(new Date(1_800_000_061_000));

    // A new name 5 s later is written although the activity is not.
    user.first_name = 'Renamed';
    await app.services.telegram.process(await storeOnly(at(66)));
    const fourth = await contact();
    expect(fourth).toMatchObject({ firstName: 'Renamed', lastActivityAt: new Date(1_800_000_061_000) });
  });

  it('makes a contact of a group member who writes in a group', async () => {
    const user = tgUser();
    const update = textUpdate(user, 'hello group');
    update.message.chat = { id: -1_001_234_567_890, type: 'supergroup', title: 'Customers' } as never;
    await app.services.telegram.process(await storeOnly(update));
    expect(await contactOf(app, channelId, user.id)).toHaveLength(1);
  });

  it('keeps no contact for messages from other bots, but still marks them processed', async () => {
    const update = textUpdate(tgUser(), 'beep');
    (update.message.from as { is_bot: boolean }).is_bot = true;
    const row = await storeOnly(update);
    await app.services.telegram.process(row);
    expect(await contactOf(app, channelId, update.message.from.id)).toHaveLength(0);
    const stored = await app.services.ctx.repos.telegramUpdates.listByChannel(channelId);
    expect(stored.find((s) => s.id === row)?.processedAt).not.toBeNull();
  });
});
