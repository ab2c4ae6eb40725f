/**
 * Content types from file extensions, for files whose platform or uploader did not say (Telegram photos and voice
 * notes carry no mime_type). Deliberately small: the types a messaging channel carries; anything else is
 * application/octet-stream, which is always safe to serve as a download.
 */
const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  svg: 'image/svg+xml',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  oga: 'audio/ogg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  flac: 'audio/flac',
  tgs: 'application/x-tgsticker',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

const EXTENSION_OF: Record<string, string> = Object.fromEntries(
  Object.entries(BY_EXTENSION)
    .reverse()
    .map(([ext, type]) => [type, ext]),
);
EXTENSION_OF['image/jpeg'] = 'jpg';
EXTENSION_OF['audio/ogg'] = 'ogg';

/** The content type a file name's extension suggests, or null. */
export function mimeFromFileName(name: string | null | undefined): string | null {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name ?? '')?.[1]?.toLowerCase();
  return (ext && BY_EXTENSION[ext]) || null;
}

/** A usual extension for a content type (without the dot), or null. */
export function extensionOf(mimeType: string | null | undefined): string | null {
  return (mimeType && EXTENSION_OF[mimeType.toLowerCase()]) || null;
}

/** A bare `type/subtype` in lower case, or null for anything that is not one (parameters are dropped). */
export function normalizeMime(value: string | null | undefined): string | null {
  const bare = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(bare) ? bare : null;
}
