import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TelegramAdapters } from '../../src/services/outbound.adapters.ts';
import { OutboundService } from '../../src/services/outbound.service.ts';
import { SmtpSink } from '../fakes/smtp-sink.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectMailbox, mailConversation } from './mail-conversation.ts';

// The api role runs no jobs: the test runs the send job itself, attempt by attempt, with a two-attempt retry policy.
let app: TestApp;
let sink: SmtpSink;
let admin: string;
let channelId: string;

beforeAll(async () => {
  sink = await SmtpSink.start();
  app = await startTestApp({ role: 'api' });
  admin = (await app.userWithRole('admin')).token;
  channelId = await connectMailbox(app, admin, sink.port);
});
afterAll(async () => {
  await app?.stop();
  await sink?.close();
});

it('retries a reply the server defers (4xx) and, when the retries run out, fails it and counts a soft bounce', async () => {
  const customer = 'full@customer.test';
  sink.recipientRules.set(customer, { code: 452, message: '4.2.2 Mailbox full' });
  const conv = await mailConversation(app, channelId, customer, { subject: 'Счёт', references: [] });
  const res = await app.http!.inject({
    method: 'POST',
    url: `/api/v1/conversations/${conv.conversationId}/messages`,
    headers: bearer(admin),
    payload: { content: 'Счёт во вложении' },
  });
  expect(res.statusCode).toBe(201);
  const id = res.json().id as string;
  const { ctx } = app.services;
  const outbound = new OutboundService(
    ctx,
    {} as TelegramAdapters,
    { baseMs: 0, capMs: 0, maxAttempts: 2 },
    app.services.emailSenders,
  );
  const row = () => ctx.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  await outbound.send(id);
  expect(await row()).toMatchObject({
    deliveryStatus: 'queued',
    deliveryError: expect.stringContaining('retrying'),
  });
  expect(await ctx.repos.emailAddresses.get(customer)).toBeUndefined();

  await outbound.send(id);
  const failed = await row();
  expect(failed.deliveryStatus).toBe('failed');
  expect(failed.deliveryError).toMatch(/gave up after 2 attempts: .*Mailbox full/);
  expect(await ctx.repos.emailAddresses.get(customer)).toMatchObject({ status: 'ok', softBounces: 1 });
  expect((await ctx.repos.deliveries.listAttempts(id)).map((a) => a.outcome)).toEqual([
    'unavailable',
    'unavailable',
  ]);
  // Deferred is not refused: the identity stays reachable.
  expect((await ctx.repos.deliveries.identityOfChat(channelId, customer))?.reachable).toBe(true);
  expect(sink.to(customer)).toEqual([]);
});
