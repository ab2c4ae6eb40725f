import { createRequire } from 'node:module';

type Compile = (route: { schema: unknown }) => unknown;
type Builder = (externalSchemas: unknown, options: unknown) => Compile;

/**
 * Fastify's default response-serializer builder, with one serializer per distinct schema. Fastify compiles one
 * per route and status code: ~260 at start-up, most of them the same `Error` schema, a quarter of the start time.
 */
export function sharedSerializers(): Builder {
  // Resolved through fastify, whose dependency it is, so it is found under any package manager's layout.
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  const selector = (fromFastify('@fastify/fast-json-stringify-compiler') as () => Builder)();
  return (externalSchemas, options) => {
    const compile = selector(externalSchemas, options);
    const cache = new Map<string, unknown>();
    return (route) => {
      const key = JSON.stringify(route.schema);
      if (!cache.has(key)) cache.set(key, compile(route));
      return cache.get(key);
    };
  };
}
