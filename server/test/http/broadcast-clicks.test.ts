import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickLinkKey, signClickToken } from '../../src/services/broadcast-buttons.ts';
import type { RenderedButton, TemplateButton } from '../../src/services/templates/types.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  connectBot,
  eventually,
  newBot,
  type TgUser,
  tapUpdate,
  tgUser,
} from '../telegram/receiving.helpers.ts';

/** Tracked broadcast buttons: the redirect counting URL clicks, callback taps through Telegram, click statistics. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
type Json = Record<string, any>;

const PUBLIC_URL = 'https://sb.example.test';
const SALE = 'https://shop.example/sale?utm_source=tg';
const BUTTONS: TemplateButton[][] = [
  [
    { kind: 'url', text: 'Sale', url: SALE },
    { kind: 'callback', text: 'Interested', data: 'promo:yes' },
  ],
  [
    { kind: 'url', text: 'Account', url: 'https://shop.example/u/{{ contact.id }}' },
    { kind: 'callback', text: 'Later', data: 'later' },
  ],
];
const RENDERED: RenderedButton[][] = BUTTONS.map((row) =>
  row.map((b) => (b.kind === 'url' ? { kind: 'url', text: b.text, url: b.url } : { ...b })),
);

let tg: FakeBot;
let server: FakeTelegram;
let app: TestApp;
let channelId: string;
let marketing: Record<string, string>;
let broadcastId: string;
const people: Array<{ user: TgUser; contactId: string }> = [];

const db = () => app.services.ctx.db;
const get = (url: string, headers: Record<string, string> = {}) =>
  app.http!.inject({ method: 'GET', url, headers });
const clicks = () =>
  db()
    .selectFrom('broadcastClicks')
    .selectAll()
    .where('broadcastId', '=', broadcastId)
    .orderBy('id')
    .execute();
const trackedFor = (contactId: string) =>
  app.services.broadcastClicks.track(broadcastId, contactId, RENDERED, BUTTONS);
const linkOf = (buttons: RenderedButton[][], row: number, col: number) =>
  (buttons[row]![col] as { url: string }).url;
const pathOf = (url: string) => url.slice(PUBLIC_URL.length);

/** A contact with a Telegram identity on the channel; recipients get a delivery row like a started broadcast's. */
async function person(recipient: boolean) {
  const user = tgUser();
  const { repos } = app.services.ctx;
  const contact = await repos.contacts.create({ firstName: user.first_name });
  const identity = await repos.identities.create(contact.id, channelId, String(user.id), new Date());
  if (recipient)
    await db()
      .insertInto('broadcastDeliveries')
      .values({
        broadcastId,
        contactId: contact.id,
        identityId: identity.id,
        chatExternalId: String(user.id),
        status: 'sent',
        externalId: '77',
      })
      .execute();
  return { user, contactId: contact.id };
}

const tap = (user: TgUser, data: string, id?: string) => tapUpdate(user, data, id ? { id } : {});
const answers = () => tg.sent.filter((c) => c.method === 'answerCallbackQuery');

beforeAll(async () => {
  server = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: server.apiRoot, PUBLIC_URL } });
  const created = newBot(server);
  tg = created.bot;
  // An https PUBLIC_URL would make webhooks the default; the fake feeds updates through getUpdates.
  channelId = await connectBot(app, created.token, { mode: 'polling' });
  marketing = bearer((await app.userWithRole('marketing')).token);
  const row = await db()
    .insertInto('broadcasts')
    .values({
      title: 'Winter sale',
      channelId,
      content: 'Sale!',
      buttons: JSON.stringify(BUTTONS),
      status: 'sending',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  broadcastId = row.id;
  for (let i = 0; i < 3; i++) people.push(await person(true));
});

afterAll(async () => {
  await app?.stop();
  await server?.stop();
});

describe('tracked URL buttons', () => {
  it('redirects to the original URL, counting total and unique clicks per button and per contact', async () => {
    const [a, b] = people as [(typeof people)[0], (typeof people)[0]];
    const linkA = linkOf(trackedFor(a.contactId), 0, 0);
    const linkB = linkOf(trackedFor(b.contactId), 0, 0);
    expect(linkA.startsWith(`${PUBLIC_URL}/r/`)).toBe(true);
    expect(linkA).not.toBe(linkB);

    for (const link of [linkA, linkA, linkB]) {
      const res = await get(pathOf(link));
      expect(res.statusCode, res.body).toBe(302);
      expect(res.headers.location).toBe(SALE);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect((await clicks()).map((c) => [c.contactId, c.button, c.kind])).toEqual([
      [a.contactId, 0, 'url'],
      [a.contactId, 0, 'url'],
      [b.contactId, 0, 'url'],
    ]);

    const stats = await get(`/api/v1/broadcasts/${broadcastId}/clicks`, marketing);
    expect(stats.statusCode, stats.body).toBe(200);
    const body = stats.json() as Json;
    expect(body.url).toEqual({ total: 3, unique: 2 });
    expect(body.urlTracking).toBe(true);
    expect(body.buttons[0]).toEqual({ button: 0, kind: 'url', text: 'Sale', total: 3, unique: 2 });
    expect(body.buttons.map((x: Json) => [x.button, x.kind, x.total])).toEqual([
      [0, 'url', 3],
      [1, 'callback', 0],
      [2, 'url', 0],
      [3, 'callback', 0],
    ]);

    const perContact = await get(
      `/api/v1/broadcasts/${broadcastId}/clicks/contacts?contactId=${a.contactId}`,
      marketing,
    );
    expect(perContact.statusCode, perContact.body).toBe(200);
    expect(perContact.json().data).toEqual([
      expect.objectContaining({ contactId: a.contactId, total: 2, buttons: [0] }),
    ]);
  });

  it('leaves a per-recipient URL untouched, since no stored URL could be redirected to', () => {
    const out = trackedFor(people[0]!.contactId);
    expect(linkOf(out, 1, 0)).toBe(linkOf(RENDERED, 1, 0));
  });

  it('answers a tampered, foreign or misdirected token with a 404 page and records nothing', async () => {
    const before = (await clicks()).length;
    const good = pathOf(linkOf(trackedFor(people[2]!.contactId), 0, 0)).slice('/r/'.length);
    const flipped = good.slice(0, 10) + (good[10] === 'x' ? 'y' : 'x') + good.slice(11);
    // A genuine signature over the callback button's index: not a URL, so nowhere to go.
    const key = clickLinkKey(app.services.ctx.secretBox);
    const callbackButton = signClickToken({ broadcastId, contactId: people[2]!.contactId, button: 1 }, key);
    const outOfRange = signClickToken({ broadcastId, contactId: people[2]!.contactId, button: 9 }, key);
    for (const token of [
      flipped,
      good.slice(0, -2),
      'https%3A%2F%2Fevil.example',
      callbackButton,
      outOfRange,
    ]) {
      const res = await get(`/r/${token}`);
      expect(res.statusCode, token).toBe(404);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toMatch(/Link not found/);
    }
    expect(await clicks()).toHaveLength(before);
  });

  it('gives click statistics only to roles that may read broadcasts, and 404 for an unknown broadcast', async () => {
    const agent = bearer((await app.userWithRole('agent')).token);
    expect((await get(`/api/v1/broadcasts/${broadcastId}/clicks`, agent)).statusCode).toBe(403);
    expect((await get(`/api/v1/broadcasts/${broadcastId}/clicks`)).statusCode).toBe(401);
    const unknown = await get('/api/v1/broadcasts/00000000-0000-4000-8000-000000000000/clicks', marketing);
    expect(unknown.statusCode).toBe(404);
  });
});

describe('tracked callback buttons', () => {
  it("counts a recipient's tap once per Telegram tap and hands it to the owner of the button's data", async () => {
    const seen: string[] = [];
    app.services.callbacks.register('promo:', async (_r, t) => {
      seen.push(`${t.contact.id} ${t.data}`);
      return { text: 'Promo noted' };
    });
    try {
      await tapsOnce(seen);
    } finally {
      app.services.callbacks.unregister('promo:');
    }
  });

  async function tapsOnce(seen: string[]) {
    const c = people[1]!;
    const data = trackedFor(c.contactId)[0]![1]! as { data: string };
    expect(data.data).toMatch(/^bc:[A-Za-z0-9_-]{22}:1$/);

    const update = tap(c.user, data.data);
    tg.queueUpdate(update);
    await eventually(async () => answers().length === 1, 15_000, 'first tap answered');
    expect(answers()[0]!.params.text).toBe('Promo noted');
    expect(seen).toEqual([`${c.contactId} promo:yes`]);
    // Telegram redelivers the same tap: counted once.
    tg.queueUpdate(tap(c.user, data.data, update.callback_query.id));
    // A second, real tap on the other callback button (data nobody owns): counted, answered empty.
    const later = trackedFor(c.contactId)[1]![1]! as { data: string };
    tg.queueUpdate(tap(c.user, later.data));
    // Every delivery of a tap is answered (the spinner must stop), the redelivered one included.
    await eventually(async () => answers().length === 3, 15_000, 'later taps answered');

    const taps = (await clicks()).filter((x) => x.kind === 'callback');
    expect(taps.map((x) => [x.contactId, x.button])).toEqual([
      [c.contactId, 1],
      [c.contactId, 3],
    ]);
    const body = (await get(`/api/v1/broadcasts/${broadcastId}/clicks`, marketing)).json() as Json;
    expect(body.callback).toEqual({ total: 2, unique: 1 });
    // This contact also clicked the sale link earlier: one person, counted once across kinds.
    expect(body.unique).toBe(2);
    expect(body.buttons[1]).toMatchObject({ button: 1, total: 1, unique: 1 });
  }

  it("does not count a tap that comes through another bot than the broadcast's", async () => {
    const other = newBot(server);
    const otherChannel = await connectBot(app, other.token, { mode: 'polling' });
    const c = people[2]!;
    // The same person on the other bot too: only the bot tells this tap apart from a counted one.
    await app.services.ctx.repos.identities.create(c.contactId, otherChannel, String(c.user.id), new Date());
    const before = (await clicks()).length;
    const data = (trackedFor(c.contactId)[0]![1]! as { data: string }).data;
    other.bot.queueUpdate(tap(c.user, data));
    await eventually(
      async () => other.bot.sent.some((x) => x.method === 'answerCallbackQuery'),
      15_000,
      'tap through the other bot answered',
    );
    expect(await clicks()).toHaveLength(before);
  });

  it('does not count a tap by someone who was not a recipient', async () => {
    const outsider = await person(false);
    const before = (await clicks()).length;
    const answered = answers().length;
    const data = (trackedFor(outsider.contactId)[0]![1]! as { data: string }).data;
    tg.queueUpdate(tap(outsider.user, data));
    await eventually(async () => answers().length === answered + 1, 15_000, 'outsider tap answered');
    expect(await clicks()).toHaveLength(before);
  });
});
