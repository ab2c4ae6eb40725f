import { createServer } from 'node:net';
import { GrammyError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { ChannelRejectedError, ChannelUnavailableError } from '../errors.ts';
import { callTelegram, telegramApi, tokenHint } from './telegram.client.ts';

const TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsabcd';

describe('callTelegram', () => {
  it('passes results through', async () => {
    await expect(callTelegram(async () => 42)).resolves.toBe(42);
  });

  it('rethrows Bot API errors as channel errors', async () => {
    const blocked = new GrammyError(
      'x',
      { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
      'sendMessage',
      {},
    );
    await expect(
      callTelegram(async () => {
        throw blocked;
      }),
    ).rejects.toBeInstanceOf(ChannelRejectedError);
  });

  it('reports an unreachable API root as unavailable without leaking the token', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const err = await callTelegram(() => telegramApi(TOKEN, `http://127.0.0.1:${port}/`).getMe()).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect(err.message).toContain('getMe');
    expect(err.message).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsabcd');
  });
});

describe('tokenHint', () => {
  it('shows the bot id and the last four characters only', () => {
    expect(tokenHint(TOKEN)).toBe('123456:…abcd');
  });
});
