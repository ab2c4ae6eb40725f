import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ChannelRejectedError, redactBotToken } from '../channels/errors.ts';
import { type ChannelFileSource, RemoteFileTooBigError } from '../channels/file-source.ts';
import type { Attachment, AttachmentKindColumn } from '../db/schema.ts';
import { presentMessage } from '../http/conversation.presenters.ts';
import { DomainError, NotFoundError, PayloadTooLargeError, ValidationError } from '../lib/errors.ts';
import { mimeFromFileName, normalizeMime } from '../lib/mime-types.ts';
import type { Repos } from '../repositories/index.ts';
import { FileNotFoundError, type FileStorage, FileTooLargeError } from '../storage/file-storage.ts';
import { newStorageKey } from '../storage/storage-key.ts';
import { inferKind, kindMismatch } from './attachment-kind.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { CONVERSATIONS_ROOM } from './conversation-recorder.ts';

/** Largest file the team may upload to send: Telegram's limit for files bots upload (50 MB). */
export const UPLOAD_MAX_BYTES = 50 * 1024 * 1024;

/** Uploads not attached to any message after this long are deleted (`files.prune_uploads`). */
export const UNSENT_UPLOAD_TTL_HOURS = 24;
const PRUNE_BATCH = 500;

/** Why an attachment's bytes cannot be served (404): each reason its own code, so a client can say which. */
export class FileNotAvailableError extends DomainError {
  constructor(
    code: 'file_not_downloaded' | 'file_too_big' | 'file_download_failed' | 'file_missing',
    message: string,
  ) {
    super(code, message);
  }
}

/** What an upload carries besides its bytes. */
export interface UploadInput {
  body: Readable;
  fileName: string | null;
  mimeType: string | null;
  kind?: AttachmentKindColumn;
}

/**
 * Attachment bytes: downloads of incoming files into FileStorage (the `files.download` job), uploads of files to send,
 * and reading stored files back. Channel-neutral: each channel type brings a ChannelFileSource.
 */
export class FilesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly sources: Record<string, ChannelFileSource>,
  ) {}

  private get storage(): FileStorage {
    if (!this.ctx.storage) throw new Error('no file storage configured (ServiceContext.storage)');
    return this.ctx.storage;
  }

  async get(id: string): Promise<Attachment> {
    const row = await this.ctx.repos.attachments.get(id);
    if (!row) throw new NotFoundError('Attachment', id);
    return row;
  }

  /** The stored bytes of an attachment, with their size; a clear 404 reason when there are none. */
  async open(id: string): Promise<{ attachment: Attachment; body: Readable; size: number }> {
    const attachment = await this.get(id);
    if (attachment.storageStatus !== 'stored' || !attachment.storageKey) throw notAvailable(attachment);
    const info = await this.storage.stat(attachment.storageKey);
    try {
      if (!info) throw new FileNotFoundError(attachment.storageKey);
      return { attachment, body: await this.storage.get(attachment.storageKey), size: info.size };
    } catch (err) {
      if (!(err instanceof FileNotFoundError)) throw err;
      this.ctx.log.error(
        { attachmentId: id, key: attachment.storageKey },
        'stored attachment missing from storage',
      );
      throw new FileNotAvailableError(
        'file_missing',
        `Attachment ${id} is recorded as stored but its file is missing from storage`,
      );
    }
  }

  /** Stores an uploaded file and records it as an attachment without a message; the send path refers to its id. */
  async upload(input: UploadInput): Promise<Attachment> {
    const fileName = cleanFileName(input.fileName);
    const declared = normalizeMime(input.mimeType);
    const mimeType =
      declared && declared !== 'application/octet-stream'
        ? declared
        : (mimeFromFileName(fileName) ?? declared);
    const kind = input.kind ?? inferKind(mimeType);
    const mismatch = kindMismatch(kind, mimeType);
    if (mismatch) {
      input.body.resume();
      throw new ValidationError(`The file does not fit kind "${kind}"`, [
        { path: '/kind', message: mismatch },
      ]);
    }
    const id = randomUUID();
    const storageKey = newStorageKey(this.ctx.clock.now(), id);
    let size: number;
    try {
      ({ size } = await this.storage.put(storageKey, input.body, { maxBytes: UPLOAD_MAX_BYTES }));
    } catch (err) {
      if (err instanceof FileTooLargeError) throw uploadTooLarge();
      throw err;
    }
    if (size === 0) {
      await this.storage.delete(storageKey);
      throw new ValidationError('The file is empty', [{ path: '/file', message: 'has no bytes' }]);
    }
    try {
      return await this.ctx.repos.attachments.createUploaded({
        id,
        kind,
        fileName,
        mimeType,
        size,
        storageKey,
      });
    } catch (err) {
      await this.storage.delete(storageKey);
      throw err;
    }
  }

  /**
   * Deletes uploads never sent (rows, then bytes), oldest first, in batches; returns how many. Rows go first: a crash in
   * between leaves an unreferenced file (harmless), never a row pointing at nothing.
   */
  async pruneUnsentUploads(ttlHours = UNSENT_UPLOAD_TTL_HOURS): Promise<number> {
    const before = new Date(this.ctx.clock.now().getTime() - ttlHours * 3_600_000);
    let total = 0;
    for (;;) {
      const gone = await this.ctx.repos.attachments.deleteUnsentUploads(before, PRUNE_BATCH);
      for (const { storageKey } of gone) if (storageKey) await this.storage.delete(storageKey);
      total += gone.length;
      if (gone.length < PRUNE_BATCH) return total;
    }
  }

  /**
   * The `files.download` job: fetches an incoming attachment's bytes from its channel into storage. Done once: an
   * attachment that is no longer pending is left alone. Permanent outcomes (too big, refused by the platform) are
   * recorded; transient ones (network, 5xx, 429) throw so the job is retried, until the last attempt records them.
   */
  async download(attachmentId: string, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    const attachment = await this.ctx.repos.attachments.get(attachmentId);
    if (attachment?.storageStatus !== 'pending') return;
    const source = await this.ctx.repos.attachments.sourceOf(attachmentId);
    if (!source) return this.giveUp(attachment, 'failed', 'The attachment belongs to no received message');
    const files = this.sources[source.channel.type];
    if (!files)
      return this.giveUp(attachment, 'failed', `Channel type ${source.channel.type} has no file download`);
    if (!attachment.externalFileId)
      return this.giveUp(attachment, 'failed', 'The channel gave no file id to download');
    const limit = files.downloadLimit(source.channel);
    const tooBig = `Larger than the ${limit.maxBytes / 1024 / 1024} MB the platform lets bots download`;
    if (limit.platformEnforced && attachment.size !== null && attachment.size > limit.maxBytes)
      return this.giveUp(attachment, 'too_big', tooBig);

    // The key follows from the attachment, so a retry after a crash overwrites its own earlier attempt.
    const key = newStorageKey(new Date(attachment.createdAt), attachment.id);
    try {
      const remote = await files.open(source.channel, attachment.externalFileId, limit);
      const { size } = await this.storage.put(key, remote.body, { maxBytes: limit.maxBytes });
      const mimeType =
        attachment.mimeType ??
        remote.mimeType ??
        mimeFromFileName(attachment.fileName) ??
        mimeFromFileName(remote.nameHint);
      await inTransaction(this.ctx, async (r) => {
        const row = await r.attachments.markStored(attachment.id, { storageKey: key, size, mimeType });
        if (row) await announce(r, row);
      });
    } catch (err) {
      if (err instanceof RemoteFileTooBigError || err instanceof FileTooLargeError)
        return this.giveUp(attachment, 'too_big', tooBig);
      if (err instanceof ChannelRejectedError)
        return this.giveUp(
          attachment,
          'failed',
          `${err.method} failed (${err.errorCode}): ${err.description}`,
        );
      if (opts.lastAttempt)
        return this.giveUp(attachment, 'failed', `Gave up after retries: ${errorText(err)}`);
      throw err;
    }
  }

  private async giveUp(attachment: Attachment, status: 'too_big' | 'failed', why: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      const row = await r.attachments.markUnavailable(
        attachment.id,
        status,
        redactBotToken(why).slice(0, 1000),
      );
      if (row) await announce(r, row);
    });
  }
}

/** Tells the conversation's watchers that the message's attachment changed (stored, too big or failed). */
async function announce(r: Repos, attachment: Attachment): Promise<void> {
  if (!attachment.messageId) return;
  const message = await r.messages.get(attachment.messageId);
  if (!message) return;
  const attachments = await r.attachments.listForMessages([message.id]);
  await r.realtime.publish(CONVERSATIONS_ROOM, 'message.updated', {
    conversationId: message.conversationId,
    message: presentMessage(message, attachments),
  });
}

function notAvailable(a: Attachment): FileNotAvailableError {
  if (a.storageStatus === 'too_big')
    return new FileNotAvailableError(
      'file_too_big',
      `Attachment ${a.id} is over the channel's download limit and was not downloaded${a.error ? `: ${a.error}` : ''}`,
    );
  if (a.storageStatus === 'failed')
    return new FileNotAvailableError(
      'file_download_failed',
      `Attachment ${a.id} could not be downloaded: ${a.error ?? 'unknown reason'}`,
    );
  return new FileNotAvailableError(
    'file_not_downloaded',
    `Attachment ${a.id} is not downloaded yet; try again shortly`,
  );
}

/** 413 for an upload over the limit. */
export function uploadTooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `The file is larger than ${UPLOAD_MAX_BYTES / 1024 / 1024} MB, the upload limit`,
  );
}

/** A file name safe to keep and show: no directories, no control characters, at most 255 characters. */
function cleanFileName(name: string | null): string | null {
  const base = (name ?? '').split(/[\\/]/).pop()!;
  const clean = [...base]
    .filter((c) => c > '\u001f' && c !== '\u007f')
    .join('')
    .trim()
    .slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? null : clean;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
