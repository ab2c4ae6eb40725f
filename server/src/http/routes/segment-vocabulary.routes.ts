import { Type } from 'typebox';
import { errorResponses } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const VocabularyBody = Type.Object({
  tags: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer() })),
  eventNames: Type.Array(Type.String()),
  attributeKeys: Type.Array(Type.String()),
});

/** The values the segment builder suggests: tags in use, event names, custom attribute names. */
export async function segmentVocabularyRoutes(app: Http, { services }: HttpDeps) {
  app.get(
    '/api/v1/segments/vocabulary',
    {
      config: { access: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary:
          'Suggestions for filter inputs: tags (most used first, with counts), event names, attribute names',
        description:
          'Suggestions, not a complete list: tags and attribute names come from at most 200,000 contacts. ' +
          'Capped at 200 tags, 500 event names and 200 attribute names.',
        response: { 200: VocabularyBody, ...errorResponses },
      },
    },
    async () => services.segmentVocabulary.get(),
  );
}
