import { Type } from 'typebox';
import type { ContactFilter } from '../../repositories/contacts.repository.ts';
import { normalizeLanguage, normalizeTags } from '../../services/contact-fields.ts';
import { actor } from '../auth.ts';
import { presentContact } from '../presenters.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Str = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));

/** Writable contact fields; formats (phone, email, timezone, birthday) are checked by the service with per-field errors. */
export const ContactInput = Type.Object(
  {
    externalId: Str(200),
    name: Str(200),
    firstName: Str(100),
    lastName: Str(100),
    username: Str(100),
    phone: Str(40),
    email: Str(320),
    language: Str(10),
    timezone: Str(64),
    birthday: Str(10),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown())),
    subscribed: Type.Optional(Type.Boolean()),
    blocked: Type.Optional(Type.Boolean()),
    source: Str(200),
  },
  { additionalProperties: false },
);

const ContactBody = Type.Object({
  id: Type.String(),
  externalId: Nullable(Type.String()),
  name: Nullable(Type.String()),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  username: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  language: Nullable(Type.String()),
  timezone: Nullable(Type.String()),
  birthday: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  subscribed: Type.Boolean(),
  unsubscribedAt: Nullable(Type.String()),
  blocked: Type.Boolean(),
  source: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastActivityAt: Nullable(Type.String()),
});

/** The filter fields shared by list, bulk and export. */
export const FilterFields = {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  tag: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
  language: Type.Optional(Type.String({ maxLength: 10 })),
  subscribed: Type.Optional(Type.Boolean()),
  blocked: Type.Optional(Type.Boolean()),
  channelId: Type.Optional(Uuid),
};

/** Query/body filter → repository filter. */
export function toFilter(f: {
  q?: string;
  tag?: string[];
  language?: string;
  subscribed?: boolean;
  blocked?: boolean;
  channelId?: string;
}): ContactFilter {
  return {
    q: f.q,
    // Stored values are normalised (tags lowercase, `pt-BR`), so filters must be too or they silently miss.
    tags: f.tag ? normalizeTags(f.tag) : undefined,
    language: f.language ? (normalizeLanguage(f.language) ?? f.language) : undefined,
    subscribed: f.subscribed,
    blocked: f.blocked,
    channelId: f.channelId,
  };
}

/** Contacts: list/search, CRUD, bulk actions, merge. */
export async function contactRoutes(app: Http, { services }: HttpDeps) {
  const { contacts } = services;

  app.get(
    '/api/v1/contacts',
    {
      config: { access: 'contacts:read' },
      schema: {
        tags: ['contacts'],
        summary: 'List and search contacts',
        description:
          '`q` searches name, username, phone, email and external id (substring). `tag` may repeat (all must match). `withTotal=true` adds `total`.',
        querystring: Type.Object(
          {
            ...PageQuery,
            ...FilterFields,
            sort: Type.Optional(
              Type.Union(['createdAt', 'updatedAt', 'lastActivityAt', 'name'].map((s) => Type.Literal(s))),
            ),
            order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
            withTotal: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(ContactBody), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await contacts.list({
        filter: toFilter(q),
        sort: (q.sort ?? 'createdAt') as never,
        order: q.order ?? 'desc',
        limit: q.limit ?? 50,
        cursor: q.cursor,
        withTotal: q.withTotal ?? false,
      });
      return { ...page, data: page.data.map(presentContact) };
    },
  );

  app.post(
    '/api/v1/contacts',
    {
      config: { access: 'contacts:write' },
      schema: {
        tags: ['contacts'],
        summary: 'Create a contact',
        body: ContactInput,
        response: { 201: ContactBody, 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentContact(await contacts.create(actor(req), req.body as never))),
  );

  app.get(
    '/api/v1/contacts/:id',
    {
      config: { access: 'contacts:read' },
      schema: {
        tags: ['contacts'],
        summary: 'Get a contact with its channel identities',
        params: IdParams,
        response: {
          200: Type.Intersect([ContactBody, Type.Object({ channels: Type.Array(Type.Any()) })]),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const c = await contacts.get(req.params.id);
      return {
        ...presentContact(c),
        channels: c.channels.map((ch) => ({
          ...ch,
          lastSeenAt: ch.lastSeenAt ? new Date(ch.lastSeenAt).toISOString() : null,
          createdAt: new Date(ch.createdAt).toISOString(),
        })),
      };
    },
  );

  app.patch(
    '/api/v1/contacts/:id',
    {
      config: { access: 'contacts:write' },
      schema: {
        tags: ['contacts'],
        summary: 'Change a contact',
        params: IdParams,
        body: ContactInput,
        response: { 200: ContactBody, 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req) => presentContact(await contacts.update(actor(req), req.params.id, req.body as never)),
  );

  app.delete(
    '/api/v1/contacts/:id',
    {
      config: { access: 'contacts:write' },
      schema: {
        tags: ['contacts'],
        summary: 'Delete a contact',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await contacts.delete(actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/contacts/bulk',
    {
      config: { access: 'contacts:write' },
      schema: {
        tags: ['contacts'],
        summary: 'One action on a list of ids or on everyone matching a filter',
        description: 'Give exactly one of `ids` or `filter`. `filter: {}` means every contact.',
        body: Type.Object(
          {
            action: Type.Union(
              ['addTags', 'removeTags', 'subscribe', 'unsubscribe', 'delete'].map((a) => Type.Literal(a)),
            ),
            ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 10_000 })),
            filter: Type.Optional(Type.Object(FilterFields, { additionalProperties: false })),
            tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ affected: Type.Integer() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { ids, filter } = req.body;
      if ((ids === undefined) === (filter === undefined)) {
        return reply.status(400).send({
          error: {
            code: 'validation_failed',
            message: 'Give exactly one of ids or filter',
            details: [{ path: 'body/ids', message: 'give ids or filter, not both or neither' }],
          },
        });
      }
      const target = ids ? { ids } : toFilter(filter!);
      return { affected: await contacts.bulk(actor(req), req.body.action as never, target, req.body.tags) };
    },
  );

  app.post(
    '/api/v1/contacts/:id/merge',
    {
      config: { access: 'contacts:write' },
      schema: {
        tags: ['contacts'],
        summary: 'Merge another contact into this one (the other is deleted)',
        params: IdParams,
        body: Type.Object({ sourceId: Uuid }, { additionalProperties: false }),
        response: { 200: ContactBody, ...errorResponses },
      },
    },
    async (req) => presentContact(await contacts.merge(actor(req), req.params.id, req.body.sourceId)),
  );
}
