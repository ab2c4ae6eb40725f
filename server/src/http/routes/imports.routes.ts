import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { ValidationError } from '../../lib/errors.ts';
import { actor } from '../auth.ts';
import { presentImport } from '../presenters.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';
import { FilterFields, toFilter } from './contacts.routes.ts';

const ImportBody = Type.Object({
  id: Type.String(),
  status: Type.String(),
  filename: Nullable(Type.String()),
  channelId: Nullable(Type.String()),
  bytes: Type.Integer(),
  processedRows: Type.Integer(),
  createdRows: Type.Integer(),
  updatedRows: Type.Integer(),
  rejectedRows: Type.Integer(),
  error: Nullable(Type.String()),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
});

const IMPORT_DESCRIPTION = `Upload a CSV as the raw body (\`Content-Type: text/csv\`) or as a multipart file field.
UTF-8, with or without BOM; comma or semicolon delimiter (detected from the header line); a header row is required.
Columns: external_id, name, first_name, last_name, username, phone, email, language, timezone, birthday
(YYYY-MM-DD or DD.MM.YYYY), tags (separated by | or ,), telegram_id (needs \`channelId\`), and attr.<name> for custom
attributes: a plain decimal number is stored as a number (not "007" or "+7…"), true/false as a boolean, anything else as a string.
An unknown column refuses the whole upload with 400 listing it. Rows are matched to existing contacts by external_id,
then email, then phone, then Telegram id (a row with an external_id never merges into a contact with another one);
non-empty cells overwrite, empty cells keep the current value, tags are added, attributes merged.
The import runs as a job: follow it at GET /api/v1/contacts/imports/{id} or the \`import:{id}\` realtime room;
rejected rows are listed with their line numbers at /errors.`;

/** Contact CSV import (upload, progress, rejected rows) and export. */
export async function importRoutes(app: Http, { services }: HttpDeps) {
  const { imports } = services;

  // The raw body goes to the service as a stream; it counts bytes itself, so Fastify's bodyLimit does not apply.
  app.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) => done(null, payload));

  app.post(
    '/api/v1/contacts/import',
    {
      config: { access: 'contacts:write' },
      schema: {
        tags: ['contacts'],
        summary: 'Import contacts from CSV',
        description: IMPORT_DESCRIPTION,
        consumes: ['text/csv', 'multipart/form-data'],
        querystring: Type.Object(
          {
            channelId: Type.Optional(Uuid),
            filename: Type.Optional(Type.String({ maxLength: 255 })),
          },
          { additionalProperties: false },
        ),
        response: {
          202: ImportBody,
          413: Type.Ref('Error'),
          415: Type.Ref('Error'),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const who = actor(req);
      const channelId = req.query.channelId ?? null;
      let imp: Awaited<ReturnType<typeof imports.upload>>;
      if (req.isMultipart()) {
        const file = await req.file();
        if (!file)
          throw new ValidationError('Attach the CSV as a file field', [
            { path: '/file', message: 'is required' },
          ]);
        imp = await imports.upload(who, file.file, { filename: file.filename || null, channelId });
      } else {
        if (!(req.body instanceof Readable))
          throw new ValidationError('Send the CSV as text/csv or multipart/form-data', [
            { path: '/body', message: 'expected a CSV body' },
          ]);
        imp = await imports.upload(who, req.body, { filename: req.query.filename ?? null, channelId });
      }
      return reply.status(202).send(presentImport(imp));
    },
  );

  app.get(
    '/api/v1/contacts/imports',
    {
      config: { access: 'contacts:read' },
      schema: {
        tags: ['contacts'],
        summary: 'List contact imports, newest first',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: PageOf(ImportBody), ...errorResponses },
      },
    },
    async (req) => {
      const page = await imports.list(req.query.limit ?? 50, req.query.cursor);
      return { ...page, data: page.data.map(presentImport) };
    },
  );

  app.get(
    '/api/v1/contacts/imports/:id',
    {
      config: { access: 'contacts:read' },
      schema: {
        tags: ['contacts'],
        summary: 'Get an import with its progress counters',
        params: IdParams,
        response: { 200: ImportBody, ...errorResponses },
      },
    },
    async (req) => presentImport(await imports.get(req.params.id)),
  );

  app.get(
    '/api/v1/contacts/imports/:id/errors',
    {
      config: { access: 'contacts:read' },
      schema: {
        tags: ['contacts'],
        summary: 'Rejected rows of an import, by line number',
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: PageOf(Type.Object({ line: Type.Integer(), reason: Type.String() })),
          ...errorResponses,
        },
      },
    },
    async (req) => imports.errors(req.params.id, req.query.limit ?? 50, req.query.cursor),
  );

  app.get(
    '/api/v1/contacts/export',
    {
      config: { access: 'contacts:read' },
      schema: {
        tags: ['contacts'],
        summary: 'Export contacts matching a filter as CSV',
        description:
          'Same filters as GET /api/v1/contacts and the same columns as the import (tags joined by |, one attr.<name> ' +
          'column per attribute key present, telegram_id when `channelId` is given), so the file re-imports as is. ' +
          '`delimiter=;` and `bom=true` suit Excel in Russian locales. Streamed; any size.',
        produces: ['text/csv'],
        querystring: Type.Object(
          {
            ...FilterFields,
            delimiter: Type.Optional(Type.Union([Type.Literal(','), Type.Literal(';')])),
            bom: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.String({ description: 'text/csv' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const rows = imports.exportCsv(toFilter(q), { delimiter: q.delimiter ?? ',', bom: q.bom ?? false });
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="contacts-${stamp}.csv"`)
        .send(Readable.from(rows));
    },
  );
}
