import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Channel } from '../../db/schema.ts';
import type { ChannelsService } from '../../services/channels.service.ts';
import { ChannelRejectedError, ChannelUnavailableError, redactBotToken } from '../errors.ts';
import type { ChannelFileSource, DownloadLimit, RemoteFile } from '../file-source.ts';
import { RemoteFileTooBigError } from '../file-source.ts';
import { callTelegram, telegramApi } from './telegram.client.ts';

/** The Bot API's download limit on api.telegram.org: getFile refuses larger files ("file is too big"). */
export const TELEGRAM_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** A local Bot API server (telegram-bot-api) lifts the download limit; its own ceiling is 2000 MB. */
export const LOCAL_BOT_API_MAX_DOWNLOAD_BYTES = 2000 * 1024 * 1024;
/** A whole download may take this long before it counts as a (retryable) failure. */
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const TELEGRAM_CLOUD = 'https://api.telegram.org';

/**
 * Telegram's side of the download job: `getFile` for a path, then `GET <apiRoot>/file/bot<token>/<path>`.
 * A channel with its own API root is taken to be a local Bot API server: no 20 MB pre-check, we try and let the server
 * decide. (A local server run with `--local` answers absolute paths on its own disk, which cannot be downloaded over
 * HTTP: such files fail with a clear error.)
 */
export class TelegramFiles implements ChannelFileSource {
  constructor(private readonly channels: Pick<ChannelsService, 'tokenOf' | 'apiRootOf'>) {}

  downloadLimit(channel: Channel): DownloadLimit {
    const custom = channel.apiRoot !== null && channel.apiRoot.replace(/\/+$/, '') !== TELEGRAM_CLOUD;
    return custom
      ? { maxBytes: LOCAL_BOT_API_MAX_DOWNLOAD_BYTES, platformEnforced: false }
      : { maxBytes: TELEGRAM_MAX_DOWNLOAD_BYTES, platformEnforced: true };
  }

  async open(channel: Channel, fileId: string, limit: DownloadLimit): Promise<RemoteFile> {
    if (!channel.secretSealed) throw new ChannelRejectedError('the channel has no bot token', 401, 'getFile');
    const token = this.channels.tokenOf(channel);
    const root = this.channels.apiRootOf(channel).replace(/\/+$/, '');
    const file = await callTelegram(() => telegramApi(token, root).getFile(fileId)).catch((err: unknown) => {
      if (err instanceof ChannelRejectedError && /file is too big/i.test(err.description))
        throw new RemoteFileTooBigError(`Telegram: ${err.description}`);
      throw err;
    });
    const size = file.file_size ?? null;
    if (limit.platformEnforced && size !== null && size > limit.maxBytes)
      throw new RemoteFileTooBigError(`Telegram reports ${size} bytes, over the download limit`);
    const filePath = file.file_path;
    if (!filePath || filePath.startsWith('/'))
      throw new ChannelRejectedError(
        filePath
          ? "getFile returned a path on the Bot API server's own disk (local server in --local mode): not downloadable over HTTP"
          : 'getFile returned no file_path',
        400,
        'getFile',
      );
    const url = `${root}/file/bot${token}/${filePath.split('/').map(encodeURIComponent).join('/')}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    } catch (err) {
      // fetch's messages can carry the URL, and with it the token.
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      const why = redactBotToken([(err as Error).message, cause].filter(Boolean).join(': '));
      throw new ChannelUnavailableError(`Could not download the file from Telegram (${why})`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 429 || res.status >= 500)
        throw new ChannelUnavailableError(`Telegram file download answered ${res.status}`, null, res.status);
      throw new ChannelRejectedError(`${res.status} ${res.statusText}`.trim(), res.status, 'file download');
    }
    const type = res.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null;
    return {
      body: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      mimeType: type && type !== 'application/octet-stream' ? type : null,
      nameHint: filePath,
      size,
    };
  }
}
