import { type TSchema, Type } from 'typebox';

/** Shared TypeBox schemas for routes. */

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Array(
        Type.Object({
          path: Type.String(),
          message: Type.String(),
          // Set for problems inside a source text (templates): 1-based line and column.
          line: Type.Optional(Type.Integer()),
          column: Type.Optional(Type.Integer()),
        }),
      ),
    }),
  },
  { $id: 'Error' },
);

/** limit + cursor, the same on every list endpoint. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
};

/** `{ data, nextCursor, total? }` */
export const PageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    nextCursor: Nullable(Type.String()),
    total: Type.Optional(Type.Integer()),
  });

export const RoleSchema = Type.Union(
  ['owner', 'admin', 'agent', 'marketing', 'readonly'].map((r) => Type.Literal(r)),
) as TSchema;

/** Error responses every authenticated route may give, for the OpenAPI document. */
export const errorResponses = {
  400: Type.Ref('Error'),
  401: Type.Ref('Error'),
  403: Type.Ref('Error'),
  404: Type.Ref('Error'),
  429: Type.Ref('Error'),
};

/** Per-language texts: `{ "en": "…", "ru": "…" }`. */
export const LangMap = (max: number) =>
  Type.Record(Type.String({ minLength: 1, maxLength: 20 }), Type.String({ minLength: 1, maxLength: max }), {
    maxProperties: 30,
  });
const ButtonText = Type.String({ minLength: 1, maxLength: 200 });
const Button = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('url'),
      text: ButtonText,
      url: Type.String({ minLength: 1, maxLength: 2000 }),
      textVariants: Type.Optional(LangMap(200)),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('callback'),
      text: ButtonText,
      data: Type.String({ minLength: 1, maxLength: 500 }),
      textVariants: Type.Optional(LangMap(200)),
    },
    { additionalProperties: false },
  ),
]);
/** Buttons as templates and broadcasts store them: texts (and URL or callback data) are Liquid; texts may vary by language. */
export const TemplateButtons = Type.Array(Type.Array(Button, { minItems: 1, maxItems: 8 }), { maxItems: 10 });
