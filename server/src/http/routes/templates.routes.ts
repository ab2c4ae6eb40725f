import { Type } from 'typebox';
import { actor } from '../auth.ts';
import { presentTemplate } from '../presenters.ts';
import { TemplateButtons as Buttons, errorResponses, LangMap, Nullable, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const MAX_BODY = 20_000;
const Format = Type.Union([Type.Literal('telegram_html'), Type.Literal('email_html'), Type.Literal('text')]);
const Key = Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$' });
const Data = Type.Record(Type.String(), Type.Unknown());

const fields = {
  key: Type.Optional(Nullable(Key)),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  format: Type.Optional(Format),
  body: Type.String({ minLength: 1, maxLength: MAX_BODY }),
  variants: Type.Optional(LangMap(MAX_BODY)),
  buttons: Type.Optional(Buttons),
  attachmentId: Type.Optional(Nullable(Uuid)),
  sampleData: Type.Optional(Data),
  // Email templates only (notifications render it with the body's variant; plain-text escaping).
  subject: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  subjectVariants: Type.Optional(LangMap(500)),
};
const CreateBody = Type.Object(fields, { additionalProperties: false });
const PatchBody = Type.Object(
  { ...fields, name: Type.Optional(fields.name), body: Type.Optional(fields.body) },
  { additionalProperties: false },
);

const TemplateBody = Type.Object({
  id: Type.String(),
  key: Nullable(Type.String()),
  name: Type.String(),
  format: Format,
  body: Type.String(),
  variants: Type.Record(Type.String(), Type.String()),
  buttons: Buttons,
  attachmentId: Nullable(Type.String()),
  sampleData: Data,
  subject: Nullable(Type.String()),
  subjectVariants: Type.Record(Type.String(), Type.String()),
  builtIn: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const RenderedButton = Type.Union([
  Type.Object({ kind: Type.Literal('url'), text: Type.String(), url: Type.String() }),
  Type.Object({ kind: Type.Literal('callback'), text: Type.String(), data: Type.String() }),
]);
const PreviewBody = Type.Object({
  format: Format,
  html: Type.String({ description: 'The body in the template format (plain text for `text`)' }),
  text: Type.String({ description: 'What the reader sees: tags removed, entities decoded' }),
  buttons: Type.Array(Type.Array(RenderedButton)),
  attachmentId: Nullable(Type.String()),
  language: Type.String({ description: 'Language of the body used' }),
  variant: Nullable(Type.String({ description: 'The variant used; null for the default body' })),
  contact: Type.Object({ id: Nullable(Type.String()), sample: Type.Boolean() }),
});
const PreviewOptions = {
  contactId: Type.Optional(Uuid),
  data: Type.Optional(Data),
  language: Type.Optional(Type.String({ minLength: 2, maxLength: 20 })),
};
/** A template by id or by key. */
const IdOrKey = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Message templates: CRUD (validated at save), previews for a contact or the sample contact. */
export async function templateRoutes(app: Http, { services }: HttpDeps) {
  const { templates } = services;

  app.get(
    '/api/v1/templates',
    {
      config: { access: 'templates:read' },
      schema: {
        tags: ['templates'],
        summary: 'List templates (all of them: built-ins first, then by name)',
        querystring: Type.Object(
          { format: Type.Optional(Format), q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(TemplateBody) }), ...errorResponses },
      },
    },
    async (req) => ({ data: (await templates.list(req.query)).map(presentTemplate) }),
  );

  app.post(
    '/api/v1/templates',
    {
      config: { access: 'templates:write' },
      schema: {
        tags: ['templates'],
        summary: 'Create a template',
        description:
          'Validated before saving: syntax, unknown filters, markup and a render with the sample contact. A problem answers 400 with the field, line and column.',
        body: CreateBody,
        response: { 201: TemplateBody, 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentTemplate(await templates.create(actor(req), req.body as never))),
  );

  app.post(
    '/api/v1/templates/render-preview',
    {
      config: { access: 'templates:read' },
      schema: {
        tags: ['templates'],
        summary: 'Render unsaved template text (live preview while editing)',
        body: Type.Object(
          {
            format: Type.Optional(Format),
            body: fields.body,
            variants: fields.variants,
            buttons: fields.buttons,
            ...PreviewOptions,
          },
          { additionalProperties: false },
        ),
        response: { 200: PreviewBody, ...errorResponses },
      },
    },
    async (req) => {
      const { contactId, data, language, ...draft } = req.body;
      return templates.previewDraft(draft as never, { contactId, data, language });
    },
  );

  app.get(
    '/api/v1/templates/:id',
    {
      config: { access: 'templates:read' },
      schema: {
        tags: ['templates'],
        summary: 'Get a template by id or key',
        params: IdOrKey,
        response: { 200: TemplateBody, ...errorResponses },
      },
    },
    async (req) => presentTemplate(await templates.get(req.params.id)),
  );

  app.patch(
    '/api/v1/templates/:id',
    {
      config: { access: 'templates:write' },
      schema: {
        tags: ['templates'],
        summary: 'Change a template (id or key)',
        params: IdOrKey,
        body: PatchBody,
        response: { 200: TemplateBody, 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req) => presentTemplate(await templates.update(actor(req), req.params.id, req.body as never)),
  );

  app.delete(
    '/api/v1/templates/:id',
    {
      config: { access: 'templates:write' },
      schema: {
        tags: ['templates'],
        summary: 'Delete a template (built-ins cannot be deleted: 409)',
        params: IdOrKey,
        response: { 204: Type.Null(), 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req, reply) => {
      await templates.delete(actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/templates/:id/preview',
    {
      config: { access: 'templates:read' },
      schema: {
        tags: ['templates'],
        summary: 'Render a template for a contact, or for the sample contact',
        description:
          "Without `data`, the template's `sampleData` is used. `language` overrides the contact's.",
        params: IdOrKey,
        body: Type.Object(PreviewOptions, { additionalProperties: false }),
        response: { 200: PreviewBody, ...errorResponses },
      },
    },
    async (req) => templates.preview(req.params.id, req.body),
  );
}
