import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeBot, type FakeBotInfo } from './fake-bot.ts';
import { METHODS } from './methods.ts';
import { TELEGRAM_LIMITS } from './rate-limits.ts';
import { parseParams, readBody } from './request-body.ts';
import { type FailureSpec, type FakeLimits, type Json, TelegramError } from './types.ts';

/** Options for FakeTelegram.start. */
export interface FakeTelegramOptions {
  /** Enforce Telegram's sending limits with 429s (default true). */
  readonly enforceLimits?: boolean;
  /** Time source in ms for `at`, message dates and the limits (default Date.now). */
  readonly clock?: () => number;
  /** Override individual limits (defaults: TELEGRAM_LIMITS). */
  readonly limits?: Partial<FakeLimits>;
  /** Delay before redelivering a webhook update after a failure (default 100 ms; Telegram's is much longer). */
  readonly webhookRetryDelayMs?: number;
  /** How long a webhook POST may take before it counts as failed (default 2000 ms). */
  readonly webhookTimeoutMs?: number;
}

/** A fake Telegram Bot API server on loopback: `/bot<token>/<method>` and `/file/bot<token>/<path>`. */
export class FakeTelegram {
  private readonly bots = new Map<string, FakeBot>();

  private constructor(
    private readonly server: Server,
    /** Base URL, usable as grammY's `client.apiRoot`. */
    readonly apiRoot: string,
    private readonly options: FakeTelegramOptions,
  ) {}

  /** Starts the server on a free loopback port. */
  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    let self: FakeTelegram | null = null;
    const server = createServer((req, res) => {
      void self?.handle(req, res);
    });
    // Long polls must not keep stop() waiting.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeTelegram(server, `http://127.0.0.1:${port}`, options);
    return self;
  }

  /** Registers a bot that answers under its token. */
  addBot(info: FakeBotInfo): FakeBot {
    const bot = new FakeBot(info, {
      clock: this.options.clock ?? Date.now,
      limits: { ...TELEGRAM_LIMITS, ...this.options.limits },
      enforceLimits: this.options.enforceLimits ?? true,
      delivery: {
        retryDelayMs: this.options.webhookRetryDelayMs ?? 100,
        timeoutMs: this.options.webhookTimeoutMs ?? 2000,
      },
    });
    this.bots.set(info.token, bot);
    return bot;
  }

  /** The bot with this token; throws when none was added. */
  bot(token: string): FakeBot {
    const bot = this.bots.get(token);
    if (!bot) throw new Error(`FakeTelegram: no bot with token ${token}`);
    return bot;
  }

  /** Stops every bot's polling and delivery and closes the server. */
  async stop(): Promise<void> {
    for (const bot of this.bots.values()) bot.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.download(req, res, file[1] as string, decodeURIComponent(file[2] as string));
    const call = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/.exec(url.pathname);
    const bot = call ? this.bots.get(call[1] as string) : undefined;
    const method = call?.[2] ?? '';
    if (!bot) {
      await readBody(req);
      const err = call ? new TelegramError(401, 'Unauthorized') : new TelegramError(404, 'Not Found');
      return send(res, err.errorCode, err.body());
    }
    // Telegram method names are case-insensitive.
    const name = Object.keys(METHODS).find((m) => m.toLowerCase() === method.toLowerCase());
    const handler = name ? METHODS[name] : undefined;
    let status = 200;
    let body: Json;
    try {
      const params = await parseParams(req, url);
      if (!handler || !name) throw new TelegramError(404, 'Not Found');
      const scripted = bot.takeFailure(name);
      if (scripted) throw this.scripted(bot, name, params, scripted);
      body = { ok: true, result: await handler(bot, params, name) };
    } catch (err) {
      const tgErr = err instanceof TelegramError ? err : new TelegramError(500, 'Internal Server Error');
      if (!(err instanceof TelegramError)) console.error('FakeTelegram handler crashed', err);
      status = tgErr.errorCode;
      body = tgErr.body();
    }
    bot.calls.push({ method: name ?? method, status, at: bot.deps.clock() });
    if (!res.destroyed) send(res, status, body);
  }

  private scripted(bot: FakeBot, method: string, params: Json, spec: FailureSpec): TelegramError {
    const parameters: { retry_after?: number; migrate_to_chat_id?: number } = {};
    if (spec.retry_after !== undefined) parameters.retry_after = spec.retry_after;
    if (spec.migrate_to_chat_id !== undefined) parameters.migrate_to_chat_id = spec.migrate_to_chat_id;
    if (spec.error_code === 429) {
      const chatId = (params.chat_id as number | string | undefined) ?? null;
      const retryAfter = spec.retry_after ?? 1;
      bot.rejected.push({
        method,
        chatId,
        retryAfter,
        description: spec.description,
        limit: 'scripted',
        at: bot.deps.clock(),
      });
    }
    return new TelegramError(spec.error_code, spec.description, parameters);
  }

  private async download(
    req: IncomingMessage,
    res: ServerResponse,
    token: string,
    filePath: string,
  ): Promise<void> {
    await readBody(req);
    const stored = this.bots.get(token)?.files.atPath(filePath);
    if (!stored) return send(res, 404, new TelegramError(404, 'Not Found').body());
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.bytes.length });
    res.end(stored.bytes);
  }
}

function send(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
