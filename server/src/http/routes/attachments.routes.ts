import { Type } from 'typebox';
import type { Attachment } from '../../db/schema.ts';
import { ValidationError } from '../../lib/errors.ts';
import { extensionOf, normalizeMime } from '../../lib/mime-types.ts';
import { UPLOAD_MAX_BYTES, uploadTooLarge } from '../../services/files.service.ts';
import { contentDisposition, servesInline } from '../content-disposition.ts';
import { presentAttachment } from '../conversation.presenters.ts';
import { errorResponses, IdParams, Nullable } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const KINDS = ['photo', 'document', 'video', 'voice', 'audio', 'sticker', 'animation'] as const;

const AttachmentBody = Type.Object({
  id: Type.String(),
  messageId: Nullable(Type.String()),
  kind: Type.String(),
  fileName: Nullable(Type.String()),
  mimeType: Nullable(Type.String()),
  size: Nullable(Type.Integer()),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  duration: Nullable(Type.Integer()),
  storageStatus: Type.String(),
  error: Nullable(Type.String()),
  url: Type.String(),
  createdAt: Type.String(),
});

/** The metadata route's shape: the conversation view of an attachment plus where it belongs and why it has no bytes. */
function presentAttachmentDetail(a: Attachment) {
  return {
    ...presentAttachment(a),
    messageId: a.messageId,
    error: a.error,
    createdAt: new Date(a.createdAt).toISOString(),
  };
}

// Multipart framing around the file (boundaries, part headers): a request this much over the limit cannot fit.
const MULTIPART_OVERHEAD = 64 * 1024;

const UPLOAD_DESCRIPTION = `Upload one file as \`multipart/form-data\` (field \`file\`) to send it later: the answer's \`id\`
goes into an outgoing message's attachments. At most ${UPLOAD_MAX_BYTES / 1024 / 1024} MB (Telegram's upload limit for bots): larger
uploads get 413 \`payload_too_large\`. \`kind\` defaults from the content type: image/* → photo (GIF → animation, SVG → document),
video/* → video, audio/* → audio, anything else → document; pass \`kind=voice\` for a voice note (OGG/Opus, MP3 or M4A),
\`kind=document\` to send any file as a plain file. A kind that does not fit the file is a 400 on \`/kind\`.`;

/** Attachment bytes: metadata, download (signed-in callers only), and uploads of files to send. */
export async function attachmentRoutes(app: Http, { services }: HttpDeps) {
  const { files } = services;

  app.post(
    '/api/v1/attachments',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary: 'Upload a file to send',
        description: UPLOAD_DESCRIPTION,
        consumes: ['multipart/form-data'],
        querystring: Type.Object(
          { kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))) },
          { additionalProperties: false },
        ),
        response: { 201: AttachmentBody, 413: Type.Ref('Error'), 415: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req, reply) => {
      // Refused before reading a byte when the client announces the size.
      if (Number(req.headers['content-length']) > UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD)
        throw uploadTooLarge();
      const file = req.isMultipart() ? await req.file() : undefined;
      if (!file)
        throw new ValidationError('Send the file as multipart/form-data in a field named "file"', [
          { path: '/file', message: 'is required' },
        ]);
      const attachment = await files.upload({
        body: file.file,
        fileName: file.filename || null,
        mimeType: file.mimetype || null,
        kind: req.query.kind,
      });
      return reply.status(201).send(presentAttachmentDetail(attachment));
    },
  );

  app.get(
    '/api/v1/attachments/:id',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: 'Get an attachment: metadata and storage status',
        params: IdParams,
        response: { 200: AttachmentBody, ...errorResponses },
      },
    },
    async (req) => presentAttachmentDetail(await files.get(req.params.id)),
  );

  app.get(
    '/api/v1/attachments/:id/file',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: "Download an attachment's bytes",
        description:
          'Streams the stored file. Images, video and audio are served `inline`, anything else (SVG included) as ' +
          '`attachment`, always with `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy. ' +
          '404 codes say why there are no bytes: `file_not_downloaded` (the download job has not finished), ' +
          "`file_too_big` (over the channel's download limit: 20 MB on api.telegram.org), `file_download_failed` " +
          '(with the reason), `file_missing` (recorded but gone from storage), or `not_found` (no such attachment).',
        params: IdParams,
        response: { 200: Type.String({ description: 'the file bytes' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { attachment, body, size } = await files.open(req.params.id);
      const type = normalizeMime(attachment.mimeType) ?? 'application/octet-stream';
      const ext = extensionOf(type);
      const name =
        attachment.fileName ?? `${attachment.kind}-${attachment.id.slice(0, 8)}${ext ? `.${ext}` : ''}`;
      return (
        reply
          .header('content-type', type)
          .header('content-length', size)
          .header(
            'content-disposition',
            contentDisposition(servesInline(type) ? 'inline' : 'attachment', name),
          )
          .header('x-content-type-options', 'nosniff')
          // Opened directly, a file is a sandboxed document of its own: nothing in it runs with our origin.
          .header('content-security-policy', "sandbox; default-src 'none'; img-src 'self'; media-src 'self'")
          .header('cache-control', 'private, max-age=86400')
          .send(body)
      );
    },
  );
}
