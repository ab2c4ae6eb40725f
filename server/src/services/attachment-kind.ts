import type { AttachmentKindColumn } from '../db/schema.ts';

/**
 * What an uploaded file is sent as, from its content type, and whether a kind the client asks for fits it.
 * Defaults stay conservative: a voice note only when asked (an OGG/Opus file may just as well be music), a GIF as an
 * animation (a photo would lose the motion), an SVG as a document (no platform shows it as a photo).
 */
export function inferKind(mimeType: string | null): AttachmentKindColumn {
  const type = mimeType ?? '';
  if (type === 'image/gif') return 'animation';
  if (type === 'image/svg+xml') return 'document';
  if (type.startsWith('image/')) return 'photo';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

/** Why a requested kind does not fit the file, or null when it does. Any file may be sent as a document. */
export function kindMismatch(kind: AttachmentKindColumn, mimeType: string | null): string | null {
  const type = mimeType ?? 'application/octet-stream';
  const fits: Record<AttachmentKindColumn, (t: string) => boolean> = {
    document: () => true,
    photo: (t) => t.startsWith('image/') && t !== 'image/svg+xml' && t !== 'image/gif',
    video: (t) => t.startsWith('video/'),
    animation: (t) => t === 'image/gif' || t === 'video/mp4',
    audio: (t) => t.startsWith('audio/'),
    voice: (t) => t === 'audio/ogg' || t === 'audio/mpeg' || t === 'audio/mp4',
    sticker: (t) => t === 'image/webp' || t === 'application/x-tgsticker' || t === 'video/webm',
  };
  return fits[kind](type) ? null : `a ${type} file cannot be sent as ${kind}`;
}
