import { CamelCasePlugin, Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// int8 (bigint, count(*)) as JS numbers: our counters stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// `date` stays a 'YYYY-MM-DD' string: turning it into a Date would shift it by the server's timezone.
pg.types.setTypeParser(1082, (v) => v);

/** Our Kysely handle; repositories take either it or a transaction. */
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type DbOrTx = Db | Tx;

/** Opens the connection pool and the Kysely instance over it. */
export function createDatabase(
  url: string,
  max = 20,
  applicationName = 'switchboard',
): { pool: pg.Pool; db: Db } {
  const pool = new pg.Pool({ connectionString: url, max, application_name: applicationName });
  // An idle client dying (database restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  // Nested keys stay as stored: jsonb values (contact attributes, channel settings, raw updates) are data, not columns.
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  });
  return { pool, db };
}
