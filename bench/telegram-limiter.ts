// Grant throughput of the Telegram rate limiter (server/src/channels/telegram/telegram.limiter.ts): two limiter instances with
// their own pools (two processes) share one bot. Run: npx tsx bench/telegram-limiter.ts [--grants N] [--rate R]
// (default 5000 grants at 1000/s, then 300 at the default 30/s; uses DATABASE_URL if set, else a temporary embedded PostgreSQL).
// Prints grants/s (from the database's grant times and from the wall clock) and statements per grant.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { pino } from 'pino';
import { TelegramLimiter } from '../server/src/channels/telegram/telegram.limiter.ts';
import { createDatabase } from '../server/src/db/database.ts';
import { startEmbeddedPostgres } from '../server/src/db/embedded.ts';
import { migrate } from '../server/src/db/migrate.ts';

const { values: args } = parseArgs({
  options: { grants: { type: 'string', default: '5000' }, rate: { type: 'string', default: '1000' } },
});
const log = pino({ level: 'warn' });
const tmp = await mkdtemp(path.join(os.tmpdir(), 'sb-bench-limiter-'));
// initdb runs as an unprivileged user when we are root: it must be able to enter the directory.
await chmod(tmp, 0o755);
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(path.join(tmp, 'data'), log);
const url = process.env.DATABASE_URL ?? embedded!.url;
const handles = [createDatabase(url, 4), createDatabase(url, 4)];
await migrate(handles[0]!.pool, log);
const limiters = handles.map((h) => new TelegramLimiter(h.db));

async function run(label: string, grants: number, settings: Record<string, unknown>, nominal: number) {
  const { rows } = await sql<{ id: string }>`insert into channels (type, name, settings)
    values ('telegram', 'bench', ${JSON.stringify(settings)}::jsonb) returning id`.execute(handles[0]!.db);
  const channelId = rows[0]!.id;
  for (const l of limiters) Object.assign(l.stats, { statements: 0, grants: 0 });
  const started = performance.now();
  const slots = await Promise.all(
    Array.from({ length: grants }, (_, i) =>
      limiters[i % 2]!.acquire({ channelId, chatId: 1_000_000 + i, chatKind: 'private', priority: 'bulk' }),
    ),
  );
  const wallMs = performance.now() - started;
  const times = slots.map((d) => d.getTime()).sort((a, b) => a - b);
  const dbRate = ((times.length - 1) * 1000) / ((times.at(-1) as number) - (times[0] as number));
  const statements = limiters.reduce((n, l) => n + l.stats.statements, 0);
  console.log(
    `${label}: ${grants} grants, ${dbRate.toFixed(1)} grants/s by grant times (${((dbRate / nominal) * 100).toFixed(1)}% of ${nominal}/s), ` +
      `${((grants * 1000) / wallMs).toFixed(1)} grants/s wall clock, ${(statements / grants).toFixed(2)} statements per grant`,
  );
}

try {
  const rate = Number(args.rate);
  await run(
    `paid bot at ${rate}/s, 2 instances`,
    Number(args.grants),
    { paidBroadcasts: true, rateLimitPerSecond: rate },
    rate,
  );
  await run('default bot at 30/s, 2 instances', 300, {}, 30);
} finally {
  for (const l of limiters) l.stop();
  for (const h of handles) await h.db.destroy();
  await embedded?.stop();
  await rm(tmp, { recursive: true, force: true });
}
