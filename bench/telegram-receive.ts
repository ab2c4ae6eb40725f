// Receive throughput: updates through the webhook route and through long polling, until every one is processed.
// Run: npx tsx bench/telegram-receive.ts [--updates N] [--people P]   (default 2000 updates from 200 people; uses DATABASE_URL if
// set, else a temporary embedded PostgreSQL). Prints updates/s stored and processed for each path and writes bench/results/telegram-receive.json.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { textUpdate, tgUser } from '../server/test/telegram/receiving.helpers.ts';
import { startBenchApp } from './support/bench-app.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { updates: { type: 'string', default: '2000' }, people: { type: 'string', default: '200' } },
});
const N = Number(args.updates);
const PEOPLE = Array.from({ length: Number(args.people) }, () => tgUser());

const bench = await startBenchApp();
const { app, tg } = bench;
const SYSTEM = { type: 'system' as const, id: null, name: 'bench' };

function newBot() {
  const id = 9_000_000_000 + Math.floor(Math.random() * 1e8);
  const token = `${id}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
  tg.addBot({ token, id, username: `bench${id}_bot`, firstName: 'Bench' });
  return token;
}
async function processed(channelId: string): Promise<number> {
  const row = await app.services.ctx.db
    .selectFrom('telegramUpdates')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channelId', '=', channelId)
    .where('processedAt', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
}
const updates = () =>
  Array.from({ length: N }, (_, i) => textUpdate(PEOPLE[i % PEOPLE.length]!, `message ${i}`));

// Webhook: sequential POSTs through the full HTTP stack (inject), as Telegram sends one at a time per bot.
const hook = await app.services.channels.create(SYSTEM, {
  type: 'telegram',
  name: 'hook',
  token: newBot(),
  mode: 'webhook',
});
const secret = app.services.ctx.secretBox.open(hook.webhookSecretSealed!);
let t0 = performance.now();
for (const u of updates()) {
  const res = await app.http!.inject({
    method: 'POST',
    url: `/webhooks/telegram/${hook.id}`,
    headers: { 'x-telegram-bot-api-secret-token': secret },
    payload: u,
  });
  if (res.statusCode !== 200) throw new Error(`webhook answered ${res.statusCode}`);
}
const hookStoredMs = performance.now() - t0;
await until(async () => (await processed(hook.id)) === N);
const hookDoneMs = performance.now() - t0;

// Polling: all queued at the fake first, then fetched 100 per getUpdates.
const pollToken = newBot();
const bot = tg.bot(pollToken)!;
for (const u of updates()) bot.queueUpdate(u);
t0 = performance.now();
const poll = await app.services.channels.create(SYSTEM, {
  type: 'telegram',
  name: 'poll',
  token: pollToken,
  mode: 'polling',
});
await until(async () => (await processed(poll.id)) === N);
const pollDoneMs = performance.now() - t0;

const rate = (ms: number) => Math.round((N / ms) * 1000);
const summary = {
  when: new Date().toISOString(),
  updates: N,
  people: PEOPLE.length,
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  webhook: { storedPerSecond: rate(hookStoredMs), processedPerSecond: rate(hookDoneMs) },
  polling: {
    processedPerSecond: rate(pollDoneMs),
    note: 'includes up to one 2 s reconcile before the first getUpdates',
  },
};
console.log(JSON.stringify(summary, null, 2));
await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await writeFile(
  path.join(ROOT, 'bench/results/telegram-receive.json'),
  `${JSON.stringify(summary, null, 2)}\n`,
);
await bench.stop();
