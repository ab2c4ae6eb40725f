import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import {
  ChannelRejectedError,
  ChannelUnavailableError,
  classifyTelegramError,
  redactBotToken,
} from './errors.ts';

const apiError = (error_code: number, description: string, retry_after?: number) =>
  new GrammyError(
    `Call to 'sendMessage' failed! (${error_code}: ${description})`,
    { ok: false, error_code, description, ...(retry_after ? { parameters: { retry_after } } : {}) },
    'sendMessage',
    {},
  );

describe('classifyTelegramError', () => {
  it('treats a blocked user as a permanent rejection of an unreachable recipient', () => {
    const err = classifyTelegramError(apiError(403, 'Forbidden: bot was blocked by the user'));
    expect(err).toBeInstanceOf(ChannelRejectedError);
    const rejected = err as ChannelRejectedError;
    expect(rejected.errorCode).toBe(403);
    expect(rejected.description).toBe('Forbidden: bot was blocked by the user');
    expect(rejected.method).toBe('sendMessage');
    expect(rejected.recipientUnreachable).toBe(true);
  });

  it('marks "chat not found" unreachable but other 400s only rejected', () => {
    const notFound = classifyTelegramError(
      apiError(400, 'Bad Request: chat not found'),
    ) as ChannelRejectedError;
    expect(notFound.recipientUnreachable).toBe(true);
    const badHtml = classifyTelegramError(
      apiError(400, "Bad Request: can't parse entities: Unsupported start tag"),
    ) as ChannelRejectedError;
    expect(badHtml).toBeInstanceOf(ChannelRejectedError);
    expect(badHtml.recipientUnreachable).toBe(false);
  });

  it('rejects bad tokens (401 and 404) for good', () => {
    for (const code of [401, 404]) {
      expect(classifyTelegramError(apiError(code, 'Unauthorized'))).toBeInstanceOf(ChannelRejectedError);
    }
  });

  it('makes a 429 retryable and carries retry_after', () => {
    const err = classifyTelegramError(apiError(429, 'Too Many Requests: retry after 7', 7));
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect((err as ChannelUnavailableError).retryAfterSeconds).toBe(7);
    expect((err as ChannelUnavailableError).errorCode).toBe(429);
  });

  it('makes 5xx answers retryable without a retry_after', () => {
    const err = classifyTelegramError(apiError(502, 'Bad Gateway')) as ChannelUnavailableError;
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect(err.retryAfterSeconds).toBeNull();
    expect(err.message).toContain('502');
  });

  it('makes network failures retryable and keeps the token out of the message', () => {
    const cause = new Error(
      'request to http://127.0.0.1:9/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe failed, reason: ECONNREFUSED',
    );
    const err = classifyTelegramError(new HttpError("Network request for 'getMe' failed!", cause));
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    const message = (err as ChannelUnavailableError).message;
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
  });

  it('returns errors that did not come from the Bot API unchanged', () => {
    const bug = new TypeError('x is undefined');
    expect(classifyTelegramError(bug)).toBe(bug);
  });
});

describe('redactBotToken', () => {
  it('replaces tokens inside URLs and bare tokens', () => {
    expect(redactBotToken('GET /bot42:abc-DEF_1/getMe')).toBe('GET /bot<token>/getMe');
    expect(redactBotToken('token 1234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw here')).toBe(
      'token <token> here',
    );
  });
});
