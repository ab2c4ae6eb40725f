import type { Readable } from 'node:stream';
import type { Channel } from '../db/schema.ts';

/**
 * How the file download job fetches an incoming attachment's bytes from a channel, without knowing the platform.
 * Failures follow channels/errors.ts: ChannelRejectedError (permanent), ChannelUnavailableError (retry later), plus
 * RemoteFileTooBigError when the platform refuses the file for its size.
 */
export interface ChannelFileSource {
  /** The size limit that applies to this channel's downloads. */
  downloadLimit(channel: Channel): DownloadLimit;
  /** Opens the bytes of the platform's file id. */
  open(channel: Channel, externalFileId: string, limit: DownloadLimit): Promise<RemoteFile>;
}

export interface DownloadLimit {
  /** Largest file accepted; a longer stream is cut and the attachment marked too_big. */
  maxBytes: number;
  /** The platform refuses anything larger, so a file already known to be larger is marked too_big without a call. */
  platformEnforced: boolean;
}

/** An opened remote file. */
export interface RemoteFile {
  body: Readable;
  /** The platform's content type when it says something more useful than application/octet-stream. */
  mimeType: string | null;
  /** The platform's name or path of the file (e.g. `photos/file_3.jpg`): an extension to guess a type from. */
  nameHint: string | null;
  /** Size announced by the platform, if any. */
  size: number | null;
}

/** The platform will not hand out this file because of its size. */
export class RemoteFileTooBigError extends Error {
  constructor(description: string) {
    super(description);
    this.name = 'RemoteFileTooBigError';
  }
}
