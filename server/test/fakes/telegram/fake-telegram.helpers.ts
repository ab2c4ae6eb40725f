import { afterEach } from 'vitest';
import { type FakeBot, FakeTelegram, type FakeTelegramOptions } from './index.ts';

// biome-ignore lint/suspicious/noExplicitAny: assertions read Bot API answers of every shape.
export type AnyJson = any;

/** The token every fake-server test bot answers under. */
export const TOKEN = '123456:AAFakeTokenForTests';

/** A started fake with one bot and a raw JSON caller, stopped after each test. */
export interface FakeHarness {
  readonly tg: FakeTelegram;
  readonly bot: FakeBot;
  call(
    method: string,
    params?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; body: AnyJson }>;
}

/** Registers an afterEach that stops the fake, and returns a starter for each test. */
export function useFakeTelegram(): (opts?: FakeTelegramOptions) => Promise<FakeHarness> {
  let current: FakeTelegram | null = null;
  afterEach(async () => {
    await current?.stop();
    current = null;
  });
  return async (opts = {}) => {
    const tg = await FakeTelegram.start(opts);
    current = tg;
    const bot = tg.addBot({
      token: TOKEN,
      id: 123456,
      username: 'switchboard_test_bot',
      firstName: 'Switchboard',
    });
    const call = async (method: string, params: Record<string, unknown> = {}, token = TOKEN) => {
      const res = await fetch(`${tg.apiRoot}/bot${token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
      });
      return { status: res.status, body: (await res.json()) as AnyJson };
    };
    return { tg, bot, call };
  };
}
