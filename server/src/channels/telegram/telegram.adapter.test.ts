import { type Api, GrammyError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { ChannelRejectedError, ChannelUnavailableError } from '../errors.ts';
import { MAX_RATE_LIMITED_RETRIES, type RateGate, TelegramAdapter } from './telegram.adapter.ts';

/** A stub Bot API: each call is logged and answered by `answer` (throwing = Telegram's error). */
function stubApi(answer: (method: string, payload: Record<string, unknown>, n: number) => unknown) {
  const calls: Array<{ method: string; payload: Record<string, unknown> }> = [];
  const raw = new Proxy(
    {},
    {
      get: (_t, method: string) => async (payload: Record<string, unknown>) => {
        calls.push({ method, payload });
        return answer(method, payload, calls.length);
      },
    },
  );
  return { api: { raw } as unknown as Api, calls };
}

/** A limiter that grants at once and logs what happened, in order, together with the adapter's progress calls. */
function stubLimiter(log: string[], refuse = false): RateGate {
  return {
    acquire: async (req) => {
      log.push(`acquire ${req.chatId} ${req.chatKind} ${req.priority}`);
      if (refuse) throw new Error('limiter stopped');
      return new Date();
    },
    pause: async (_id, seconds) => {
      log.push(`pause ${seconds}`);
      return new Date();
    },
  };
}

const tooMany = (method: string) =>
  new GrammyError(
    'Call failed',
    {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    },
    method,
    {},
  );
const sent = (id: number) => ({ message_id: id });

describe('TelegramAdapter', () => {
  it('takes a slot before each part, marks the part in doubt before that, and reports each delivered part', async () => {
    const log: string[] = [];
    const { api, calls } = stubApi((_m, _p, n) => sent(100 + n));
    const adapter = new TelegramAdapter(api, stubLimiter(log), 'ch', null, 'bulk');
    const html = `${'a '.repeat(3000)}\n\n${'b '.repeat(3000)}`;
    const result = await adapter.send(
      { chatExternalId: '-100200', html },
      {
        beforePart: async (i, total) => void log.push(`before ${i}/${total}`),
        afterPart: async (i, ids) => void log.push(`after ${i} ${ids}`),
      },
    );
    expect(calls.map((c) => c.method)).toEqual(['sendMessage', 'sendMessage', 'sendMessage']);
    expect(result).toEqual({ externalId: '101', externalIds: ['101', '102', '103'] });
    expect(log.slice(0, 3)).toEqual(['before 0/3', 'acquire -100200 group bulk', 'after 0 101']);
  });

  it('marks every message allow_paid_broadcast when the bot is set above the free rate, and none at or below it', async () => {
    const { api, calls } = stubApi(() => sent(1));
    await new TelegramAdapter(api, stubLimiter([]), 'ch', null, 'bulk', 1000).send({
      chatExternalId: '5',
      html: 'x',
    });
    await new TelegramAdapter(api, stubLimiter([]), 'ch', null, 'interactive', 31).send({
      chatExternalId: '6',
      html: 'y',
    });
    await new TelegramAdapter(api, stubLimiter([]), 'ch', null, 'bulk', 30).send({
      chatExternalId: '7',
      html: 'z',
    });
    expect(calls.map((c) => c.payload.allow_paid_broadcast)).toEqual([true, true, undefined]);
  });

  it('skips the parts an earlier run delivered', async () => {
    const { api, calls } = stubApi(() => sent(9));
    const adapter = new TelegramAdapter(api, stubLimiter([]), 'ch', null);
    const html = `${'a '.repeat(1500)}\n\n${'b '.repeat(1500)}`;
    const result = await adapter.send({ chatExternalId: '5', html }, { delivered: [['7']] });
    expect(calls).toHaveLength(1);
    expect(String(calls[0]!.payload.text).startsWith('b')).toBe(true);
    expect(result.externalIds).toEqual(['7', '9']);
  });

  it('pauses the bot on a 429 and retries the same request after a new slot', async () => {
    const log: string[] = [];
    const { api, calls } = stubApi((method, _p, n) => {
      if (n === 1) throw tooMany(method);
      return sent(1);
    });
    const limited: number[] = [];
    const adapter = new TelegramAdapter(api, stubLimiter(log), 'ch', null);
    await adapter.send(
      { chatExternalId: '5', html: 'hi' },
      { onRateLimited: async (i) => void limited.push(i.retryAfterSeconds) },
    );
    expect(calls.map((c) => c.payload.text)).toEqual(['hi', 'hi']);
    expect(log).toEqual(['acquire 5 private interactive', 'pause 3', 'acquire 5 private interactive']);
    expect(limited).toEqual([3]);
  });

  it(`gives up after ${MAX_RATE_LIMITED_RETRIES} retries of 429s with ChannelUnavailableError`, async () => {
    const { api, calls } = stubApi((method) => {
      throw tooMany(method);
    });
    const adapter = new TelegramAdapter(api, stubLimiter([]), 'ch', null);
    const err = await adapter.send({ chatExternalId: '5', html: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect(err.errorCode).toBe(429);
    expect(calls).toHaveLength(MAX_RATE_LIMITED_RETRIES + 1);
  });

  it('reports a refused slot as unavailable (nothing left) and a 403 as rejected', async () => {
    const { api, calls } = stubApi(() => sent(1));
    const refused = await new TelegramAdapter(api, stubLimiter([], true), 'ch', null)
      .send({ chatExternalId: '5', html: 'hi' })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(ChannelUnavailableError);
    expect(calls).toEqual([]);
    const blocked = stubApi((method) => {
      throw new GrammyError(
        'Call failed',
        { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
        method,
        {},
      );
    });
    const err = await new TelegramAdapter(blocked.api, stubLimiter([]), 'ch', null)
      .send({ chatExternalId: '5', html: 'hi' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ChannelRejectedError);
    expect(err.recipientUnreachable).toBe(true);
  });

  it('takes one chat slot and one bot-only slot per further album item, and refuses attachments without storage', async () => {
    const log: string[] = [];
    const { api } = stubApi(() => [sent(1), sent(2)]);
    const adapter = new TelegramAdapter(api, stubLimiter(log), 'ch', {
      stat: async () => ({ size: 1 }),
      get: async () => {
        throw new Error('not read by the stub');
      },
      put: async () => ({ size: 0 }),
      delete: async () => undefined,
    });
    const photos = [
      { kind: 'photo' as const, storageKey: 'a' },
      { kind: 'photo' as const, storageKey: 'b' },
    ];
    const result = await adapter.send({ chatExternalId: '5', attachments: photos });
    expect(result.externalIds).toEqual(['1', '2']);
    expect(log.filter((l) => l.startsWith('acquire'))).toEqual([
      'acquire 5 private interactive',
      'acquire null private interactive',
    ]);
    const noStorage = await new TelegramAdapter(api, stubLimiter([]), 'ch', null)
      .send({ chatExternalId: '5', attachments: photos })
      .catch((e) => e);
    expect(noStorage).toBeInstanceOf(ChannelRejectedError);
  });
});
