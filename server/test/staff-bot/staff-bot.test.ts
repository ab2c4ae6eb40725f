import jpeg from 'jpeg-js';
import { sql } from 'kysely';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeQr, qrPng } from '../../src/services/qr.ts';
import { SmtpSink } from '../fakes/smtp-sink.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import type { SentCall, UploadedFile } from '../fakes/telegram/types.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  connectBot,
  eventually,
  newBot,
  type TgUser,
  tapUpdate,
  textUpdate,
  tgUser,
} from '../telegram/receiving.helpers.ts';

/**
 * The loyalty path end to end through the fake Telegram server: a customer gets a coupon with its QR image from the
 * shop's bot; a cashier links their Telegram to their user in the staff bot, checks the code (typed, then as a photo of
 * the QR), redeems it with the button; /login gives a sign-in link that works once; strangers are refused; alerts
 * reach linked admins who have not muted them.
 */

// biome-ignore lint/suspicious/noExplicitAny: API bodies and request params are free-form JSON here
type Json = Record<string, any>;

let tg: FakeTelegram;
let sink: SmtpSink;
let app: TestApp;
let staffBot: FakeBot;
let shopBot: FakeBot;
let staffChannel: string;
let shopChannel: string;
let admin: { token: string; userId: string };

const repos = () => app.services.ctx.repos;
const db = () => app.services.ctx.db;

const sends = (bot: FakeBot, user: TgUser) => bot.sentTo(user.id).filter((c) => c.method === 'sendMessage');
const edits = (bot: FakeBot, user: TgUser) =>
  bot.sentTo(user.id).filter((c) => c.method === 'editMessageText');
const buttons = (call: SentCall): Json[] => {
  const markup = call.params.reply_markup;
  if (!markup) return [];
  return (typeof markup === 'string' ? JSON.parse(markup) : markup).inline_keyboard.flat();
};

/** A private text message without an update_id: the fake numbers it after the taps it numbered itself. */
function say(user: TgUser, text: string) {
  const { update_id: _, ...update } = textUpdate(user, text);
  return update;
}

/** The id the fake gave our latest message to this user that has buttons. */
function lastCardId(bot: FakeBot, user: TgUser): number {
  const ours = [...(bot.messages.get(String(user.id))?.values() ?? [])].filter(
    (m) => (m as Json).from?.is_bot === true && (m as Json).reply_markup,
  );
  return ours.at(-1)!.message_id as number;
}

async function linkTelegram(token: string, user: TgUser): Promise<void> {
  const res = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/me/staff-link',
    headers: bearer(token),
  });
  expect(res.statusCode).toBe(201);
  const before = sends(staffBot, user).length;
  staffBot.queueUpdate(say(user, `/link ${res.json().code.toLowerCase()}`));
  const reply = await eventually(async () => sends(staffBot, user)[before]);
  expect(reply.params.text).toMatch(/linked|привязан/);
}

async function issueCoupon(contactId: string, deliver = false): Promise<Json> {
  const campaign = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/coupon-campaigns',
    headers: bearer(admin.token),
    payload: { name: 'Birthday gift', discount: { percent: 10 }, validDays: 14 },
  });
  const res = await app.http!.inject({
    method: 'POST',
    url: `/api/v1/coupon-campaigns/${campaign.json().id}/issue`,
    headers: bearer(admin.token),
    payload: { contactId, deliver },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  sink = await SmtpSink.start();
  app = await startTestApp({
    env: { TELEGRAM_API_ROOT: tg.apiRoot, SMTP_URL: sink.url, MAIL_FROM: 'shop@example.com' },
  });
  const staff = newBot(tg);
  staffBot = staff.bot;
  staffChannel = await connectBot(app, staff.token, { name: 'Staff', staffBot: true });
  const shop = newBot(tg);
  shopBot = shop.bot;
  shopChannel = await connectBot(app, shop.token);
  const a = await app.userWithRole('admin');
  admin = { token: a.token, userId: a.user.id };
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
  await sink?.close();
});

describe('the customer side', () => {
  it("sends the code with a QR image of it to the customer's Telegram, in their language", async () => {
    const customer = tgUser({ language_code: 'en' });
    shopBot.queueUpdate(say(customer, 'hello'));
    const contact = await eventually(async () =>
      db()
        .selectFrom('contactChannels')
        .select('contactId')
        .where('channelId', '=', shopChannel)
        .where('externalId', '=', String(customer.id))
        .executeTakeFirst(),
    );
    const coupon = await issueCoupon(contact.contactId, true);
    const photo = await eventually(async () =>
      shopBot.sentTo(customer.id).find((c) => c.method === 'sendPhoto'),
    );
    expect(photo.params.caption).toContain(coupon.code);
    expect(photo.params.caption).toContain('Your coupon');
    const upload = Object.values(photo.params).find(
      (v): v is UploadedFile => (v as UploadedFile)?.upload === true,
    )!;
    expect(decodeQr(upload.bytes)).toBe(coupon.code);
    await eventually(async () => (await repos().coupons.get(coupon.id))?.deliveryStatus === 'sent');
    expect((await repos().coupons.get(coupon.id))?.deliveryChannel).toBe(`telegram:${shopChannel}`);
  });

  it('falls back to email, the code in the text and the QR attached, for a contact without Telegram', async () => {
    const contact = await repos().contacts.create({
      firstName: 'Pavel',
      email: 'pavel@example.com',
      language: 'ru',
    });
    const coupon = await issueCoupon(contact.id, true);
    const mail = await eventually(async () => sink.to('pavel@example.com')[0]);
    expect(mail.parsed.subject).toContain('Ваш купон');
    expect(mail.parsed.text).toContain(coupon.code);
    const qr = mail.parsed.attachments.find((a) => a.contentType === 'image/png');
    expect(qr && decodeQr(qr.content)).toBe(coupon.code);
    await eventually(async () => (await repos().coupons.get(coupon.id))?.deliveryChannel === 'email');
  });
});

describe('the staff bot', () => {
  it('refuses unknown Telegram users politely in their language, and records nothing of them', async () => {
    const stranger = tgUser({ language_code: 'en' });
    staffBot.queueUpdate(say(stranger, 'ABCD-EFGH'));
    const reply = await eventually(async () => sends(staffBot, stranger)[0]);
    expect(reply.params.text).toMatch(/only works for staff/);
    expect(buttons(reply)).toEqual([]);
    const russian = tgUser({ language_code: 'ru' });
    staffBot.queueUpdate(say(russian, '/start'));
    expect((await eventually(async () => sends(staffBot, russian)[0])).params.text).toMatch(
      /только для сотрудников/,
    );
    const identities = await db()
      .selectFrom('contactChannels')
      .select('id')
      .where('channelId', '=', staffChannel)
      .execute();
    expect(identities).toEqual([]);
    expect(
      await db().selectFrom('conversations').select('id').where('channelId', '=', staffChannel).execute(),
    ).toEqual([]);
  });

  it('links a cashier with a one-time code, then checks a typed code and redeems it with the button', async () => {
    const cashier = await app.userWithRole('agent');
    const phone = tgUser({ language_code: 'en' });
    await linkTelegram(cashier.token, phone);
    expect((await repos().staff.memberByTelegram(String(phone.id)))?.userId).toBe(cashier.user.id);

    const contact = await repos().contacts.create({ firstName: 'Olga', name: 'Olga Smirnova' });
    const coupon = await issueCoupon(contact.id);
    const before = sends(staffBot, phone).length;
    staffBot.queueUpdate(say(phone, coupon.code.toLowerCase()));
    const card = await eventually(async () => sends(staffBot, phone)[before]);
    // The cashier's web language is the bot's language for linked staff (users default to Russian).
    expect(card.params.text).toContain(coupon.code);
    expect(card.params.text).toContain('Olga Smirnova');
    expect(card.params.text).toMatch(/10\s?%/);
    const [validate, redeem] = buttons(card);
    expect(validate?.callback_data).toBe(`sb:v:${coupon.code}`);
    expect(redeem?.callback_data).toBe(`sb:r:${coupon.code}`);

    const messageId = lastCardId(staffBot, phone);
    // Validate re-renders the card in place (unchanged here, so Telegram answers "not modified").
    staffBot.queueUpdate(tapUpdate(phone, validate!.callback_data, { messageId }));
    await eventually(async () => staffBot.calls.some((c) => c.method === 'editMessageText'));
    staffBot.queueUpdate(tapUpdate(phone, redeem!.callback_data, { messageId }));
    const done = await eventually(async () => edits(staffBot, phone)[0]);
    expect(done.params.message_id).toBe(messageId);
    expect(done.params.text).toMatch(/Погашен|Redeemed/);
    expect(buttons(done)).toEqual([]);
    const redemptions = await repos().coupons.redemptionsOf(coupon.id);
    expect(redemptions).toHaveLength(1);
    expect(redemptions[0]).toMatchObject({ userId: cashier.user.id, via: 'staff_bot' });

    // A second tap (another device, a double tap) takes no second use.
    staffBot.queueUpdate(tapUpdate(phone, redeem!.callback_data, { messageId }));
    const again = await eventually(async () => edits(staffBot, phone)[1]);
    expect(again.params.text).toMatch(/Не погашен|Not redeemed/);
    expect(await repos().coupons.redemptionsOf(coupon.id)).toHaveLength(1);
  });

  it('reads the code from a photo of its QR code', async () => {
    const cashier = await app.userWithRole('agent');
    const phone = tgUser();
    await linkTelegram(cashier.token, phone);
    const coupon = await issueCoupon((await repos().contacts.create({ firstName: 'Anna' })).id);
    const png = PNG.sync.read(await qrPng(coupon.code));
    const bytes = jpeg.encode({ data: png.data, width: png.width, height: png.height }, 75).data;
    const file = staffBot.files.add({ bytes, fileId: `qr-${coupon.id}`, filePath: 'photos/qr.jpg' });
    const before = sends(staffBot, phone).length;
    staffBot.queueUpdate({
      message: {
        message_id: 90_001,
        from: { is_bot: false, ...phone },
        chat: { id: phone.id, first_name: phone.first_name, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        photo: [
          {
            file_id: file.fileId,
            file_unique_id: `u-${coupon.id}`,
            width: png.width,
            height: png.height,
            file_size: bytes.length,
          },
        ],
      },
    });
    const card = await eventually(async () => sends(staffBot, phone)[before]);
    expect(card.params.text).toContain(coupon.code);
    expect(buttons(card).map((b) => b.callback_data)).toContain(`sb:r:${coupon.code}`);
  });

  it('shows read-only staff the validity without a Redeem button', async () => {
    const viewer = await app.userWithRole('readonly');
    const phone = tgUser();
    await linkTelegram(viewer.token, phone);
    const coupon = await issueCoupon((await repos().contacts.create({ firstName: 'Ivan' })).id);
    const before = sends(staffBot, phone).length;
    staffBot.queueUpdate(say(phone, coupon.code));
    const card = await eventually(async () => sends(staffBot, phone)[before]);
    expect(buttons(card).map((b) => b.callback_data)).toEqual([`sb:v:${coupon.code}`]);
  });

  it('answers /login with a sign-in link that works once', async () => {
    const phone = tgUser();
    await linkTelegram(admin.token, phone);
    const before = sends(staffBot, phone).length;
    staffBot.queueUpdate(say(phone, '/login'));
    const reply = await eventually(async () => sends(staffBot, phone)[before]);
    const token = decodeURIComponent(/token=([^"&\s]+)/.exec(reply.params.text as string)![1]!);
    const exchange = () =>
      app.http!.inject({ method: 'POST', url: '/api/v1/auth/login-token', payload: { token } });
    const first = await exchange();
    expect(first.statusCode).toBe(200);
    const me = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: bearer(first.json().token),
    });
    expect(me.json().user?.id ?? me.json().id).toBe(admin.userId);
    expect((await exchange()).statusCode).toBe(401);
  });

  it('sends alerts to linked owners and admins who have not muted that kind', async () => {
    const owner = await app.userWithRole('owner');
    const ownerPhone = tgUser();
    await linkTelegram(owner.token, ownerPhone);
    const mutes = await app.http!.inject({
      method: 'PATCH',
      url: '/api/v1/me/staff-link',
      headers: bearer(owner.token),
      payload: { mutedKinds: ['daily_report'] },
    });
    expect(mutes.json().mutedKinds).toEqual(['daily_report']);
    const adminPhone = (await repos().staff.getLink(admin.userId))!.telegramUserId;

    const reached = await app.services.staffAlerts.notify({
      kind: 'daily_report',
      text: 'Yesterday: 12 conversations <b>',
    });
    expect(reached).toBe(1);
    const report = await eventually(async () =>
      staffBot.sentTo(adminPhone).find((c) => String(c.params.text).includes('Yesterday: 12 conversations')),
    );
    // Alert texts are text, never markup.
    expect(report.params.text).toContain('&lt;b&gt;');
    expect(await app.services.staffAlerts.notify({ kind: 'channel_error', text: 'Bot down' })).toBe(2);
    await eventually(async () =>
      staffBot.sentTo(ownerPhone.id).some((c) => String(c.params.text).includes('Bot down')),
    );
    expect(staffBot.sentTo(ownerPhone.id).some((c) => String(c.params.text).includes('Yesterday'))).toBe(
      false,
    );
    // Agents are not alerted unless asked for.
    expect(
      await app.services.staffAlerts.notify({ kind: 'automation', text: 'x', roles: ['marketing'] }),
    ).toBe(0);
  });

  it('alerts once per long wait and per channel error, whichever sweep sees it first', async () => {
    const adminPhone = (await repos().staff.getLink(admin.userId))!.telegramUserId;
    const waiting = await db()
      .selectFrom('conversations')
      .select('id')
      .where('channelId', '=', shopChannel)
      .executeTakeFirstOrThrow();
    await db()
      .updateTable('conversations')
      .set({ waitingSince: new Date(Date.now() - 40 * 60_000), status: 'open' })
      .where('id', '=', waiting.id)
      .execute();
    await repos().channels.recordError(shopChannel, 'getUpdates: 401 Unauthorized');
    await Promise.all([app.services.staffAlerts.sweep(), app.services.staffAlerts.sweep()]);
    await app.services.staffAlerts.sweep();
    const alerts = () => staffBot.sentTo(adminPhone).map((c) => String(c.params.text));
    await eventually(
      async () =>
        alerts().some((t) => t.includes(`/inbox/${waiting.id}`)) &&
        alerts().some((t) => t.includes('401 Unauthorized')),
    );
    // Every queued alert has been sent before counting: a duplicate would be among them.
    await eventually(async () => {
      const { rows } = await sql<{
        n: string;
      }>`select count(*) as n from graphile_worker.jobs where task_identifier = 'staff_bot.send'`.execute(
        db(),
      );
      return Number(rows[0]!.n) === 0;
    });
    expect(alerts().filter((t) => t.includes(`/inbox/${waiting.id}`))).toHaveLength(1);
    expect(alerts().filter((t) => t.includes('401 Unauthorized'))).toHaveLength(1);
  });
});
