import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type Api, adminApi, type Body, insertChannel, insertContacts, paths } from './contacts.helpers.ts';

// The api role runs no jobs: queued start and delivery jobs stay in the table for the assertions, and no delivery manager
// changes a status under the test.
let app: TestApp;
let api: Api;
let channelId: string;
let segmentId: string;

const tagFilter = (tag: string) => ({
  op: 'and',
  conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: [tag] }],
});
const HOUR = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
  api = await adminApi(app);
  const ids = await insertContacts(app, [
    { name: 'One', tags: ['lifecycle'] },
    { name: 'Two', tags: ['lifecycle'] },
  ]);
  channelId = await insertChannel(app, 'Shop bot', ids);
  const seg = await api.post('/api/v1/segments', { name: 'Lifecycle', filter: tagFilter('lifecycle') });
  segmentId = seg.json().id;
});
afterAll(async () => {
  await app.stop();
});

/** A valid draft body; `over` replaces fields. */
const draft = (over: Record<string, unknown> = {}) => ({
  title: 'December sale',
  channelId,
  segmentId,
  content: 'Hello, {{ contact.name }}! <b>-20%</b> today.',
  ...over,
});

async function create(over: Record<string, unknown> = {}): Promise<Body> {
  const res = await api.post('/api/v1/broadcasts', draft(over));
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${JSON.stringify(res.json())}`);
  return res.json();
}

/** graphile-worker jobs with this key: [{run_at, payload}]. */
async function jobs(key: string) {
  const { rows } = await sql<{ runAt: Date; payload: { broadcastId: string }; taskIdentifier: string }>`
    select j.run_at, j.payload, t.identifier as task_identifier
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.key = ${key}`.execute(app.services.ctx.db);
  return rows;
}

const removeJob = (key: string) =>
  sql`select graphile_worker.remove_job(${key}::text)`.execute(app.services.ctx.db);
const post = (id: string, action: string, body?: unknown) =>
  api.post(`/api/v1/broadcasts/${id}/${action}`, body);
const statusOf = async (id: string) => (await api.get(`/api/v1/broadcasts/${id}`)).json().status;

describe('creating and changing broadcasts', () => {
  it('creates a draft, reads it back, and lists it newest first', async () => {
    // A paid broadcast needs a bot set to paid broadcasts.
    const refused = await api.post('/api/v1/broadcasts', draft({ paidBroadcast: true }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toEqual([
      { path: '/paidBroadcast', message: expect.stringMatching(/not set to paid broadcasts/) },
    ]);
    await sql`update channels set settings = '{"paidBroadcasts": true, "rateLimitPerSecond": 100}' where id = ${channelId}`.execute(
      app.services.ctx.db,
    );
    const b = await create({
      title: '  Weekly news ',
      buttons: [[{ kind: 'url', text: 'Open', url: 'https://example.com/{{ contact.id }}' }]],
      localTime: '10:00',
      quietHours: { from: '22:00', to: '09:00' },
      paidBroadcast: true,
    });
    expect(b).toMatchObject({
      title: 'Weekly news',
      channelId,
      segmentId,
      filter: null,
      templateId: null,
      status: 'draft',
      scheduledAt: null,
      localTime: '10:00',
      quietHours: { from: '22:00', to: '09:00' },
      paidBroadcast: true,
      stats: { total: 0, pending: 0, sent: 0, skipped: 0 },
    });
    // The single read adds the click statistics (every button, none clicked yet).
    const read = (await api.get(`/api/v1/broadcasts/${b.id}`)).json();
    expect(read).toEqual({
      ...b,
      clicks: expect.any(Object),
      failedByReason: [],
      progress: { ratePerSecond: 0, estimatedFinishAt: null },
    });
    expect(read.clicks).toMatchObject({
      total: 0,
      unique: 0,
      buttons: [{ button: 0, kind: 'url', total: 0, unique: 0 }],
    });
    const list = (await api.get('/api/v1/broadcasts?status=draft')).json();
    expect(list.data[0].id).toBe(b.id);
  });

  it('pages through the list with a cursor, and filters by status', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await create({ title: `Page ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/broadcasts?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await api.get(url)).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((b: Body) => b.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    // Newest first: the five made last come first, in reverse order of creation.
    expect(seen.slice(0, 5)).toEqual([...made].reverse());
    const bad = await api.get('/api/v1/broadcasts?cursor=nonsense');
    expect(bad.statusCode).toBe(400);
    expect(paths(bad)).toEqual(['/cursor']);
    const wrongStatus = await api.get('/api/v1/broadcasts?status=drafty');
    expect(wrongStatus.statusCode).toBe(400);
  });

  it('pages rows created within the same millisecond without skipping or repeating one', async () => {
    const made: string[] = [];
    for (let i = 0; i < 4; i++) made.push((await create({ title: `Same ms ${i}` })).id);
    // Microseconds apart, newest = made[3]; a cursor cut to milliseconds would lose the rows after the first.
    for (const [i, id] of made.entries())
      await sql`update broadcasts set created_at = '2030-01-01T00:00:00.000100Z'::timestamptz + make_interval(secs => ${i / 1_000_000}::float8)
        where id = ${id}`.execute(app.services.ctx.db);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 4; page++) {
      const url: string = `/api/v1/broadcasts?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = (await api.get(url)).json();
      seen.push(...body.data.map((b: Body) => b.id));
      cursor = body.nextCursor;
    }
    expect(seen).toEqual([...made].reverse());
  });

  it('names the field of every invalid input', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: '   ' }, '/title'],
      [{ channelId: '00000000-0000-4000-8000-000000000000' }, '/channelId'],
      [{ segmentId: undefined }, '/segmentId'],
      [{ filter: tagFilter('x') }, '/filter'],
      [{ segmentId: undefined, filter: { op: 'xor', conditions: [] } }, 'filter.op'],
      [{ segmentId: '00000000-0000-4000-8000-000000000000' }, '/segmentId'],
      [{ content: undefined }, '/templateId'],
      [{ templateId: '00000000-0000-4000-8000-000000000000' }, '/content'],
      [{ content: undefined, templateId: '00000000-0000-4000-8000-000000000000' }, '/templateId'],
      [{ content: 'Hi {{ contact.name | nosuchfilter }}' }, '/content'],
      [{ content: 'Hi <blink>there</blink>' }, '/content'],
      [{ buttons: [[{ kind: 'url', text: 'Go {% if %}', url: 'https://x.y' }]] }, '/buttons/0/0/text'],
      [{ attachmentId: '00000000-0000-4000-8000-000000000000' }, '/attachmentId'],
      [{ scheduledAt: new Date(Date.now() - 60_000).toISOString() }, '/scheduledAt'],
      [{ localTime: '25:00' }, 'body/localTime'],
      [{ quietHours: { from: '22:00', to: '22:00' } }, '/quietHours/to'],
      [{ paidBroadcast: 'yes' }, 'body/paidBroadcast'],
    ];
    for (const [over, path] of cases) {
      const res = await api.post('/api/v1/broadcasts', draft(over));
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(paths(res), JSON.stringify(over)).toContain(path);
    }
    // A Liquid error in the content carries its line and column.
    const res = await api.post(
      '/api/v1/broadcasts',
      draft({ content: 'Line one\n{{ contact.name | nosuchfilter }}' }),
    );
    expect(res.json().error.details[0]).toMatchObject({ path: '/content', line: 2 });
    // An email channel is not a broadcast channel.
    const { id: emailChannel } = await app.services.ctx.db
      .insertInto('channels')
      .values({ type: 'email', name: 'Mail' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const email = await api.post('/api/v1/broadcasts', draft({ channelId: emailChannel }));
    expect(paths(email)).toEqual(['/channelId']);
    // Nothing was written by any refused request.
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from broadcasts where title = 'December sale' and content like '%nosuchfilter%'`.execute(
      app.services.ctx.db,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('takes a template or a filter of its own, and a change can switch between them', async () => {
    const tpl = await api.post('/api/v1/templates', { name: 'Promo', body: 'Promo for {{ contact.name }}' });
    expect(tpl.statusCode).toBe(201);
    const b = await create({
      content: undefined,
      templateId: tpl.json().id,
      segmentId: undefined,
      filter: tagFilter('LifeCycle'),
    });
    expect(b).toMatchObject({
      templateId: tpl.json().id,
      content: null,
      segmentId: null,
      filter: tagFilter('lifecycle'),
    });
    const patched = await api.patch(`/api/v1/broadcasts/${b.id}`, { segmentId, content: 'Own text' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ segmentId, filter: null, content: 'Own text', templateId: null });
    const both = await api.patch(`/api/v1/broadcasts/${b.id}`, { templateId: tpl.json().id, content: 'x' });
    expect(both.statusCode).toBe(400);
    expect(paths(both)).toEqual(['/content']);
    const none = await api.patch(`/api/v1/broadcasts/${b.id}`, { content: null });
    expect(paths(none)).toEqual(['/templateId']);
  });

  it('refuses readers and agents', async () => {
    const reader = bearer((await app.userWithRole('readonly')).token);
    const agent = bearer((await app.userWithRole('agent')).token);
    const http = app.http!;
    expect(
      (await http.inject({ method: 'GET', url: '/api/v1/broadcasts', headers: reader })).statusCode,
    ).toBe(200);
    const post = await http.inject({
      method: 'POST',
      url: '/api/v1/broadcasts',
      headers: reader,
      payload: draft(),
    });
    expect(post.statusCode).toBe(403);
    expect((await http.inject({ method: 'GET', url: '/api/v1/broadcasts', headers: agent })).statusCode).toBe(
      403,
    );
  });
});

describe('the status machine', () => {
  it('walks draft → scheduled → sending ⇄ paused → cancelled, with a 409 naming the status for every illegal step', async () => {
    const b = await create();
    expect((await post(b.id, 'pause')).statusCode).toBe(409);
    expect((await post(b.id, 'resume')).statusCode).toBe(409);
    const cancelDraft = await post(b.id, 'cancel');
    expect(cancelDraft.statusCode).toBe(409);
    expect(cancelDraft.json().error.details).toEqual([{ path: '/status', message: 'draft' }]);

    const at = inHours(2);
    const scheduled = await post(b.id, 'schedule', { at });
    expect(scheduled.json()).toMatchObject({ status: 'scheduled', scheduledAt: at });
    expect((await post(b.id, 'pause')).statusCode).toBe(409);

    const started = await post(b.id, 'send-now');
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ status: 'sending', stats: { total: 2, pending: 2 } });
    expect(started.json().startedAt).not.toBeNull();
    // Starting removed the scheduled start and queued the delivery.
    expect(await jobs(`broadcast:start:${b.id}`)).toEqual([]);
    expect((await jobs(`broadcast:deliver:${b.id}`)).map((j) => j.payload)).toEqual([{ broadcastId: b.id }]);

    const again = await post(b.id, 'send-now');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details).toEqual([{ path: '/status', message: 'sending' }]);
    const patch = await api.patch(`/api/v1/broadcasts/${b.id}`, { title: 'Too late' });
    expect(patch.statusCode).toBe(409);
    expect((await api.delete(`/api/v1/broadcasts/${b.id}`)).statusCode).toBe(409);

    expect((await post(b.id, 'pause')).json().status).toBe('paused');
    expect((await post(b.id, 'pause')).statusCode).toBe(409);
    // Resume queues the delivery again (the job key keeps it to one).
    await removeJob(`broadcast:deliver:${b.id}`);
    expect((await post(b.id, 'resume')).json().status).toBe('sending');
    expect(await jobs(`broadcast:deliver:${b.id}`)).toHaveLength(1);
    expect((await post(b.id, 'pause')).json().status).toBe('paused');

    const cancelled = await post(b.id, 'cancel');
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      stats: { total: 2, pending: 0, cancelled: 2 },
    });
    expect(cancelled.json().finishedAt).not.toBeNull();
    const rows = await app.services.ctx.db
      .selectFrom('broadcastDeliveries')
      .select('status')
      .where('broadcastId', '=', b.id)
      .execute();
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    for (const action of ['pause', 'resume', 'cancel', 'send-now'])
      expect((await post(b.id, action)).statusCode, action).toBe(409);
    expect((await api.delete(`/api/v1/broadcasts/${b.id}`)).statusCode).toBe(204);
    expect((await api.get(`/api/v1/broadcasts/${b.id}`)).statusCode).toBe(404);
    expect(
      await app.services.ctx.db.selectFrom('broadcastDeliveries').where('broadcastId', '=', b.id).execute(),
    ).toEqual([]);
  });

  it('tells the broadcasts room about every change, with the broadcast as it is after it', async () => {
    const listener = new pg.Client({ connectionString: app.config.databaseUrl! });
    await listener.connect();
    const events: Array<{ event: string; data: { broadcast?: Body; id?: string } }> = [];
    listener.on('notification', (n) => {
      const m = JSON.parse(n.payload!);
      if (m.room === 'broadcasts') events.push(m);
    });
    await listener.query('listen switchboard_realtime');
    try {
      const b = await create({ title: 'Watched' });
      await post(b.id, 'send-now');
      await post(b.id, 'pause');
      await post(b.id, 'cancel');
      await api.delete(`/api/v1/broadcasts/${b.id}`);
      const mine = () =>
        events.filter((e) => e.data.broadcast?.id === b.id || e.data.id === b.id).map((e) => e.event);
      await eventually(async () => (mine().length >= 5 ? true : undefined), 5000, 'five events');
      expect(mine()).toEqual([
        'broadcast.updated',
        'broadcast.updated',
        'broadcast.updated',
        'broadcast.updated',
        'broadcast.deleted',
      ]);
      const statuses = events
        .filter((e) => e.data.broadcast?.id === b.id)
        .map((e) => e.data.broadcast!.status);
      expect(statuses).toEqual(['draft', 'sending', 'paused', 'cancelled']);
    } finally {
      await listener.end();
    }
  });

  it('reads the failure reasons and the pace so far with the broadcast', async () => {
    const b = await create({ title: 'Paced' });
    await post(b.id, 'send-now');
    const db = app.services.ctx.db;
    const [first] = await db
      .selectFrom('broadcastDeliveries')
      .select('id')
      .where('broadcastId', '=', b.id)
      .orderBy('id')
      .execute();
    await sql`update broadcast_deliveries set status = 'failed', reason = 'Bad Request: chat not found' where id = ${first!.id}`.execute(
      db,
    );
    await sql`update broadcasts set started_at = now() - interval '10 seconds',
      stats = stats || '{"pending": 1, "failed": 1}'::jsonb where id = ${b.id}`.execute(db);
    const read = (await api.get(`/api/v1/broadcasts/${b.id}`)).json();
    expect(read.failedByReason).toEqual([{ reason: 'Bad Request: chat not found', count: 1 }]);
    // One outcome in about ten seconds, one recipient left: about ten more seconds.
    expect(read.progress.ratePerSecond).toBeGreaterThan(0.08);
    expect(read.progress.ratePerSecond).toBeLessThanOrEqual(0.1);
    const eta = new Date(read.progress.estimatedFinishAt).getTime() - Date.now();
    expect(eta).toBeGreaterThan(8_000);
    expect(eta).toBeLessThan(12_500);
    await post(b.id, 'cancel');
    const done = (await api.get(`/api/v1/broadcasts/${b.id}`)).json();
    expect(done.progress.estimatedFinishAt).toBeNull();
  });

  it('answers 404 for actions on a broadcast that does not exist', async () => {
    const res = await post('00000000-0000-4000-8000-000000000000', 'pause');
    expect(res.statusCode).toBe(404);
  });

  it('duplicates a broadcast as a new draft without schedule or counters', async () => {
    const b = await create({ localTime: '09:30', scheduledAt: inHours(3) });
    await post(b.id, 'send-now');
    const copy = await post(b.id, 'duplicate');
    expect(copy.statusCode).toBe(201);
    expect(copy.json()).toMatchObject({
      title: 'December sale (copy)',
      status: 'draft',
      segmentId,
      content: b.content,
      localTime: '09:30',
      scheduledAt: null,
      startedAt: null,
      stats: { total: 0 },
    });
    expect(copy.json().id).not.toBe(b.id);
  });
});

describe('scheduling', () => {
  it('queues the start at its time with one job per broadcast, moves it on reschedule and removes it on unschedule', async () => {
    const first = inHours(5);
    const b = await create({ scheduledAt: first });
    expect(b.status).toBe('scheduled');
    const key = `broadcast:start:${b.id}`;
    let queued = await jobs(key);
    expect(queued.map((j) => [j.taskIdentifier, j.runAt.toISOString(), j.payload])).toEqual([
      ['broadcasts.start', first, { broadcastId: b.id }],
    ]);
    const second = inHours(7);
    expect((await post(b.id, 'schedule', { at: second })).json().scheduledAt).toBe(second);
    queued = await jobs(key);
    expect(queued.map((j) => j.runAt.toISOString())).toEqual([second]);
    // A change of anything else keeps the schedule.
    expect((await api.patch(`/api/v1/broadcasts/${b.id}`, { title: 'Renamed' })).json().status).toBe(
      'scheduled',
    );
    expect(await jobs(key)).toHaveLength(1);

    const un = await post(b.id, 'unschedule');
    expect(un.json()).toMatchObject({ status: 'draft', scheduledAt: null });
    expect(await jobs(key)).toEqual([]);
    expect((await post(b.id, 'unschedule')).statusCode).toBe(409);
    // PATCH scheduledAt does the same as /schedule and back.
    expect((await api.patch(`/api/v1/broadcasts/${b.id}`, { scheduledAt: first })).json().status).toBe(
      'scheduled',
    );
    expect(await jobs(key)).toHaveLength(1);
    expect((await api.patch(`/api/v1/broadcasts/${b.id}`, { scheduledAt: null })).json().status).toBe(
      'draft',
    );
    expect(await jobs(key)).toEqual([]);
    const past = await post(b.id, 'schedule', { at: new Date(Date.now() - 1000).toISOString() });
    expect(paths(past)).toEqual(['/scheduledAt']);
  });

  it('starts a scheduled broadcast exactly once when two workers run its start together', async () => {
    const b = await create({ scheduledAt: inHours(1) });
    // Its time has come (as the job would find it).
    await app.services.ctx.db
      .updateTable('broadcasts')
      .set({ scheduledAt: new Date(Date.now() - 1000) })
      .where('id', '=', b.id)
      .execute();
    const { broadcasts } = app.services;
    await Promise.all([
      broadcasts.startScheduled(b.id),
      broadcasts.startScheduled(b.id),
      broadcasts.startScheduled(b.id),
    ]);
    const after = (await api.get(`/api/v1/broadcasts/${b.id}`)).json();
    expect(after).toMatchObject({ status: 'sending', stats: { total: 2, pending: 2 } });
    const rows = await app.services.ctx.db
      .selectFrom('broadcastDeliveries')
      .select('contactId')
      .where('broadcastId', '=', b.id)
      .execute();
    expect(rows).toHaveLength(2);
    const audit = await app.services.ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('entityId', '=', b.id)
      .where('action', '=', 'broadcast.started')
      .execute();
    expect(audit).toHaveLength(1);
    expect(await jobs(`broadcast:deliver:${b.id}`)).toHaveLength(1);
  });

  it('does not start a broadcast whose start job runs before its time, and re-queues the job for that time', async () => {
    const at = inHours(4);
    const b = await create({ scheduledAt: at });
    await removeJob(`broadcast:start:${b.id}`);
    await app.services.broadcasts.startScheduled(b.id);
    expect(await statusOf(b.id)).toBe('scheduled');
    expect((await jobs(`broadcast:start:${b.id}`)).map((j) => j.runAt.toISOString())).toEqual([at]);
  });

  it('fails a scheduled broadcast whose segment was deleted, with the reason, instead of retrying', async () => {
    const seg = (
      await api.post('/api/v1/segments', { name: 'Doomed', filter: tagFilter('lifecycle') })
    ).json();
    const b = await create({ segmentId: seg.id, scheduledAt: inHours(1) });
    expect((await api.delete(`/api/v1/segments/${seg.id}`)).statusCode).toBe(204);
    await app.services.ctx.db
      .updateTable('broadcasts')
      .set({ scheduledAt: new Date(Date.now() - 1000) })
      .where('id', '=', b.id)
      .execute();
    await app.services.broadcasts.startScheduled(b.id);
    const after = (await api.get(`/api/v1/broadcasts/${b.id}`)).json();
    expect(after).toMatchObject({
      status: 'failed',
      statusReason: expect.stringContaining('segment was deleted'),
    });
    expect(
      await app.services.ctx.db.selectFrom('broadcastDeliveries').where('broadcastId', '=', b.id).execute(),
    ).toEqual([]);
  });

  it('ignores a start job for a broadcast that is no longer scheduled', async () => {
    const b = await create();
    await app.services.broadcasts.startScheduled(b.id);
    expect(await statusOf(b.id)).toBe('draft');
    await app.services.broadcasts.startScheduled('00000000-0000-4000-8000-000000000000');
  });
});
