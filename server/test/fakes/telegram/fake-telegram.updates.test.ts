import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AnyJson, useFakeTelegram } from './fake-telegram.helpers.ts';

const start = useFakeTelegram();
let receiver: Server | null = null;

afterEach(async () => {
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  receiver = null;
});

/** Starts a webhook receiver; `respond` answers each delivery (or not) given its update_id and headers. */
async function listen(
  respond: (id: number, headers: IncomingHttpHeaders, res: ServerResponse) => void,
): Promise<string> {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => respond(JSON.parse(raw).update_id, req.headers, res));
  });
  await new Promise<void>((r) => receiver?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
}

describe('fake Telegram: updates', () => {
  it('confirms updates below the offset and forgets them', async () => {
    const { bot, call } = await start();
    const ids = [1, 2, 3].map(
      (n) => bot.queueUpdate({ message: { message_id: n, text: `u${n}` } }).update_id as number,
    );
    expect(ids[1]).toBe((ids[0] as number) + 1);
    expect((await call('getUpdates')).body.result).toHaveLength(3);
    expect(
      (await call('getUpdates', { offset: ids[1] })).body.result.map((u: AnyJson) => u.update_id),
    ).toEqual(ids.slice(1));
    expect((await call('getUpdates', { limit: 1 })).body.result.map((u: AnyJson) => u.update_id)).toEqual([
      ids[1],
    ]);
    expect((await call('getUpdates', { offset: (ids[2] as number) + 1 })).body.result).toEqual([]);
    expect(bot.pendingUpdateCount).toBe(0);
  });

  it('keeps only the update kinds in allowed_updates and drops pending updates on request', async () => {
    const { bot, call } = await start();
    await call('getUpdates', { allowed_updates: ['callback_query'] });
    bot.queueUpdate({ message: { message_id: 1 } });
    bot.queueUpdate({ callback_query: { id: 'q1' } });
    expect((await call('getUpdates')).body.result.map((u: AnyJson) => Object.keys(u).sort())).toEqual([
      ['callback_query', 'update_id'],
    ]);
    await call('deleteWebhook', { drop_pending_updates: true });
    expect(bot.pendingUpdateCount).toBe(0);
  });

  it('returns a long poll as soon as an update arrives', async () => {
    const { bot, call } = await start();
    // timeout 60 s is longer than the test timeout, so only an early return can pass.
    const poll = call('getUpdates', { timeout: 60 });
    setTimeout(() => bot.queueUpdate({ message: { message_id: 1, text: 'wake' } }), 50);
    expect((await poll).body.result).toEqual([
      expect.objectContaining({ message: { message_id: 1, text: 'wake' } }),
    ]);
  });

  it('ends an older long poll with 409 when another getUpdates arrives', async () => {
    const { bot, call } = await start();
    const older = call('getUpdates', { timeout: 60 });
    await new Promise((r) => setTimeout(r, 50));
    const newer = call('getUpdates', { timeout: 60 });
    expect((await older).body.description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    bot.queueUpdate({ message: { message_id: 1 } });
    expect((await newer).status).toBe(200);
  });

  it('delivers webhook updates with the secret header, redelivers after a 500, and reports the error', async () => {
    const seen: { id: number; headers: IncomingHttpHeaders }[] = [];
    const url = await listen((id, headers, res) => {
      seen.push({ id, headers });
      res.statusCode = seen.length === 1 ? 500 : 200;
      res.end();
    });
    const { bot, call } = await start({ webhookRetryDelayMs: 20 });
    expect(
      (await call('setWebhook', { url, secret_token: 's3cret_-X', allowed_updates: ['message'] })).body
        .result,
    ).toBe(true);
    const a = bot.queueUpdate({ message: { message_id: 1 } }).update_id;
    const b = bot.queueUpdate({ message: { message_id: 2 } }).update_id;
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(3);
    expect(seen.map((s) => s.id)).toEqual([a, a, b]);
    expect(seen.every((s) => s.headers['x-telegram-bot-api-secret-token'] === 's3cret_-X')).toBe(true);
    const info = (await call('getWebhookInfo')).body.result;
    expect(info).toMatchObject({ url, pending_update_count: 0, allowed_updates: ['message'] });
    expect(info.last_error_message).toBe('Wrong response from the webhook: 500 Internal Server Error');
    expect(bot.webhook?.lastErrorDate).toEqual(expect.any(Number));
  });

  it('redelivers an update whose webhook request timed out', async () => {
    const seen: number[] = [];
    const url = await listen((id, _headers, res) => {
      seen.push(id);
      // The first delivery never gets an answer.
      if (seen.length > 1) res.end();
    });
    const { bot, call } = await start({ webhookRetryDelayMs: 20, webhookTimeoutMs: 200 });
    await call('setWebhook', { url });
    const id = bot.queueUpdate({ message: { message_id: 1 } }).update_id;
    await expect.poll(() => bot.webhook?.delivered, { timeout: 5000 }).toBe(1);
    expect(seen).toEqual([id, id]);
    expect((await call('getWebhookInfo')).body.result.last_error_message).toBe('Read timeout expired');
  });

  it('refuses getUpdates with 409 while a webhook is set and allows it again after deleteWebhook', async () => {
    const { call } = await start();
    await call('setWebhook', { url: 'http://127.0.0.1:9/unreachable' });
    expect((await call('getUpdates')).body).toEqual({
      ok: false,
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    await call('deleteWebhook');
    expect((await call('getUpdates')).status).toBe(200);
    expect((await call('getWebhookInfo')).body.result).toMatchObject({ url: '', pending_update_count: 0 });
  });
});
