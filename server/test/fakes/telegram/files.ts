import { randomBytes } from 'node:crypto';
import { badRequest, type Json } from './types.ts';

/** The Bot API download limit: getFile refuses larger files. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** A file the fake can serve through getFile and /file/bot<token>/<file_path>. */
export interface StoredFile {
  readonly fileId: string;
  readonly fileUniqueId: string;
  readonly filePath: string;
  /** Declared size; may exceed bytes.length so tests can fake a 25 MB file without allocating it. */
  readonly size: number;
  readonly bytes: Buffer;
}

/** One bot's files. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();

  /** Registers a file; ids and path are generated when not given. */
  add(file: { bytes: Buffer | string; fileId?: string; size?: number; filePath?: string }): StoredFile {
    const bytes = typeof file.bytes === 'string' ? Buffer.from(file.bytes) : file.bytes;
    const fileId = file.fileId ?? `BQAC${randomBytes(12).toString('base64url')}`;
    const stored: StoredFile = {
      fileId,
      fileUniqueId: `AgAD${randomBytes(6).toString('base64url')}`,
      filePath: file.filePath ?? `documents/file_${this.byId.size}`,
      size: file.size ?? bytes.length,
      bytes,
    };
    this.byId.set(fileId, stored);
    this.byPath.set(stored.filePath, stored);
    return stored;
  }

  /** The file with this id, if registered. */
  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  /** The file at this download path, if registered. */
  atPath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  /** getFile's result, or Telegram's 400s for unknown and too-big files. */
  getFile(params: Json): Json {
    const id = params.file_id;
    if (typeof id !== 'string' || id === '') throw badRequest('file_id is empty');
    const file = this.byId.get(id);
    if (!file) throw badRequest('invalid file_id');
    if (file.size > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: file.size,
      file_path: file.filePath,
    };
  }
}
