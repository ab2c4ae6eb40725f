import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  FileNotFoundError,
  type FileStorage,
  FileTooLargeError,
  type StoredObjectInfo,
} from './file-storage.ts';
import { assertStorageKey } from './storage-key.ts';

/** Where unfinished writes live, inside the root (same filesystem, so the final rename is atomic). */
const TEMP_DIR = '.tmp';

/**
 * FileStorage on a local directory (by default `<DATA_DIR>/files`). A key `2026/11/<uuid>` is the file
 * `<root>/2026/11/<uuid>`. Writes go to `<root>/.tmp/` and are renamed into place once complete and synced, so a
 * crash or a refused upload never leaves a half file under a key; `.tmp` may keep leftovers after a crash and is safe
 * to empty while the server is stopped.
 */
export class LocalFileStorage implements FileStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, body: Readable, opts: { maxBytes?: number } = {}): Promise<StoredObjectInfo> {
    const target = this.pathOf(key);
    const tempDir = path.join(this.root, TEMP_DIR);
    await mkdir(tempDir, { recursive: true });
    const temp = path.join(tempDir, `${randomUUID()}.part`);
    const counter = new ByteCounter(opts.maxBytes ?? Number.POSITIVE_INFINITY);
    try {
      await pipeline(body, counter, createWriteStream(temp, { flags: 'wx' }));
      // Durable before it becomes visible: after a power cut the key holds the whole file or nothing.
      const handle = await open(temp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temp, target);
    } catch (err) {
      // pipeline has destroyed the source (a refused upload stops flowing); only the partial file remains to remove.
      await rm(temp, { force: true });
      throw err;
    }
    return { size: counter.bytes };
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      // Opened here, not lazily by the stream, so a missing file is an error the caller sees before any byte is sent.
      const handle = await open(file, 'r');
      return handle.createReadStream();
    } catch (err) {
      if (isMissing(err)) throw new FileNotFoundError(key);
      throw err;
    }
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { size: s.size } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** The file for a key; the key is checked first, and the result must stay below the root whatever it was. */
  private pathOf(key: string): string {
    assertStorageKey(key);
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep)) throw new Error(`storage key escapes the root: ${key}`);
    return file;
  }
}

/** Counts bytes as they pass and fails the pipeline with FileTooLargeError past the limit. */
class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    done: (err?: Error | null, data?: Buffer) => void,
  ) {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(new FileTooLargeError(this.maxBytes));
    done(null, chunk);
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
