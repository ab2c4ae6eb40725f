import type { Readable } from 'node:stream';

/** What a stored object is, as far as serving it needs to know. */
export interface StoredObjectInfo {
  size: number;
}

/**
 * Where file bytes live: attachments received from customers and files uploaded by the team to send.
 * The local directory (under the data dir) is the default; an S3-compatible implementation fits the same shape,
 * which is why keys are opaque strings and bytes move as streams.
 */
export interface FileStorage {
  /** Writes the stream under the key (replacing any earlier object) and returns its size in bytes. */
  put(key: string, body: Readable, opts?: { maxBytes?: number }): Promise<StoredObjectInfo>;
  /** A stream of the object's bytes; throws FileNotFoundError when missing. */
  get(key: string): Promise<Readable>;
  /** Size of the object, or null when missing. */
  stat(key: string): Promise<StoredObjectInfo | null>;
  /** Removes the object; missing is not an error. */
  delete(key: string): Promise<void>;
}

export class FileNotFoundError extends Error {
  constructor(key: string) {
    super(`file not found: ${key}`);
    this.name = 'FileNotFoundError';
  }
}

/** Thrown by put when the stream is longer than maxBytes; nothing is kept. */
export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file is larger than ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}
