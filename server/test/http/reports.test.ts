import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/db/schema.ts';
import { inboxWorld } from '../inbox-world.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * GET /api/v1/reports/inbox on a crafted data set whose medians, p90 (percentile_cont: linear interpolation),
 * CSAT and day buckets are worked out by hand. The workspace zone is Asia/Tokyo (UTC+9, no DST), so a UTC day
 * splits into two report days.
 */

let app: TestApp;
let channel: string;
let otherChannel: string;
let anna: { user: User; token: string };
let boris: { user: User; token: string };
let admin: string;

const T0 = Date.parse('2026-11-10T14:00:00Z'); // 23:00 on Nov 10 in Tokyo
const T1 = Date.parse('2026-11-10T15:30:00Z'); // 00:30 on Nov 11 in Tokyo
const at = (ms: number) => new Date(ms);

async function conversation(
  channelId: string,
  assigneeId: string | null,
  createdAt: number,
  firstReplyAfter: number | null,
  resolvedAfter: number | null,
): Promise<string> {
  const r = await sql<{ id: string }>`
    insert into conversations (channel_id, chat_external_id, chat_kind, status, assignee_id, created_at, last_activity_at,
                               first_reply_at, resolved_at)
    values (${channelId}, ${crypto.randomUUID()}, 'private', ${resolvedAfter === null ? 'open' : 'resolved'}, ${assigneeId},
            ${at(createdAt)}, ${at(createdAt)},
            ${firstReplyAfter === null ? null : at(createdAt + firstReplyAfter * 1000)},
            ${resolvedAfter === null ? null : at(createdAt + resolvedAfter * 1000)})
    returning id`.execute(app.services.ctx.db);
  return r.rows[0]!.id;
}

async function csat(conversationId: string, assigneeId: string, sentAt: number, rating: number | null) {
  await sql`insert into csat_responses (conversation_id, assignee_id, sent_at, rating, rated_at)
            values (${conversationId}, ${assigneeId}, ${at(sentAt)}, ${rating}, ${rating === null ? null : at(sentAt + 60_000)})`.execute(
    app.services.ctx.db,
  );
}

beforeAll(async () => {
  app = await startTestApp();
  const world = inboxWorld(app);
  channel = await world.channel('Support');
  otherChannel = await world.channel('Sales');
  anna = await app.userWithRole('agent');
  boris = await app.userWithRole('agent');
  admin = (await app.userWithRole('admin')).token;
  await app.services.ctx.repos.settings.set('default_timezone', 'Asia/Tokyo', null);

  // Anna: five conversations opened 23:00 Nov 10 (Tokyo); first replies 60..600 s; three resolved 1..3 h later (Nov 11).
  const annas: string[] = [];
  const resolved = [3600, 7200, 10800, null, null];
  for (const [i, frt] of [60, 120, 180, 240, 600].entries())
    annas.push(await conversation(channel, anna.user.id, T0, frt, resolved[i]!));
  // Four surveys, three rated 5, 4, 3.
  await csat(annas[0]!, anna.user.id, T0 + 3600_000, 5);
  await csat(annas[1]!, anna.user.id, T0 + 7200_000, 4);
  await csat(annas[2]!, anna.user.id, T0 + 10800_000, 3);
  await csat(annas[3]!, anna.user.id, T0 + 10800_000, null);
  // Boris: two conversations opened 00:30 Nov 11 (Tokyo), first replies 30 and 90 s, one unanswered survey.
  const boriss = [
    await conversation(channel, boris.user.id, T1, 30, null),
    await conversation(channel, boris.user.id, T1, 90, null),
  ];
  await csat(boriss[0]!, boris.user.id, T1 + 600_000, null);
  // Outside the period, and in another channel (unassigned): left out by the bounds and by the channel filter.
  await conversation(channel, anna.user.id, Date.parse('2026-11-01T00:00:00Z'), 5, 5);
  await conversation(otherChannel, null, T0, null, null);
});
afterAll(async () => {
  await app?.stop();
});

async function report(query: string, token = admin) {
  return app.http!.inject({ method: 'GET', url: `/api/v1/reports/inbox?${query}`, headers: bearer(token) });
}

describe('inbox report figures', () => {
  it('computes medians, p90, CSAT per agent, per Tokyo day and in total', async () => {
    const res = await report(`from=2026-11-10&to=2026-11-11&channel=${channel}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.timezone).toBe('Asia/Tokyo');
    // Date bounds are midnights in the workspace zone; `to` includes its whole day.
    expect(body.from).toBe('2026-11-09T15:00:00.000Z');
    expect(body.to).toBe('2026-11-11T15:00:00.000Z');

    expect(body.totals).toEqual({
      conversationsOpened: 7,
      conversationsResolved: 3,
      // 30, 60, 90, 120, 180, 240, 600: median 120; p90 at rank 5.4 → 240 + 0.4 × 360.
      firstResponseTime: { median: 120, p90: 384, count: 7 },
      // 3600, 7200, 10800: p90 at rank 1.8 → 7200 + 0.8 × 3600.
      resolutionTime: { median: 7200, p90: 10080, count: 3 },
      csat: { sent: 5, rated: 3, average: 4, responseRate: 0.6 },
    });

    const byAgent = Object.fromEntries(body.byAgent.map((a: { agentId: string }) => [a.agentId, a]));
    expect(Object.keys(byAgent).sort()).toEqual([anna.user.id, boris.user.id].sort());
    expect(byAgent[anna.user.id]).toEqual({
      agentId: anna.user.id,
      agentName: anna.user.displayName,
      conversationsOpened: 5,
      conversationsResolved: 3,
      // 60, 120, 180, 240, 600: p90 at rank 3.6 → 240 + 0.6 × 360.
      firstResponseTime: { median: 180, p90: 456, count: 5 },
      resolutionTime: { median: 7200, p90: 10080, count: 3 },
      csat: { sent: 4, rated: 3, average: 4, responseRate: 0.75 },
    });
    expect(byAgent[boris.user.id]).toMatchObject({
      conversationsOpened: 2,
      conversationsResolved: 0,
      firstResponseTime: { median: 60, p90: 84, count: 2 },
      resolutionTime: { median: null, p90: null, count: 0 },
      csat: { sent: 1, rated: 0, average: null, responseRate: 0 },
    });

    // Anna's openings and replies fall on Nov 10 in Tokyo (Nov 10 in UTC too); her resolutions, surveys and all
    // of Boris's activity on Nov 11 in Tokyo (still Nov 10 in UTC).
    expect(body.byDay.map((d: { day: string }) => d.day)).toEqual(['2026-11-10', '2026-11-11']);
    const [nov10, nov11] = body.byDay;
    expect(nov10).toMatchObject({
      conversationsOpened: 5,
      conversationsResolved: 0,
      firstResponseTime: { median: 180, count: 5 },
      csat: { sent: 0, rated: 0, average: null, responseRate: null },
    });
    expect(nov11).toMatchObject({
      conversationsOpened: 2,
      conversationsResolved: 3,
      firstResponseTime: { median: 60, count: 2 },
      resolutionTime: { median: 7200, count: 3 },
      csat: { sent: 5, rated: 3, average: 4 },
    });
  });

  it('counts other channels and unassigned conversations without the channel filter', async () => {
    const body = (await report('from=2026-11-10&to=2026-11-11')).json();
    expect(body.totals.conversationsOpened).toBe(8);
    expect(body.byAgent.find((a: { agentId: string | null }) => a.agentId === null)).toMatchObject({
      agentName: null,
      conversationsOpened: 1,
    });
  });

  it('narrows to one agent, and lists every day of the period even without activity', async () => {
    const body = (await report(`from=2026-11-09&to=2026-11-12&agent=${boris.user.id}`)).json();
    expect(body.totals).toMatchObject({ conversationsOpened: 2, firstResponseTime: { median: 60, p90: 84 } });
    expect(body.byDay.map((d: { day: string }) => d.day)).toEqual([
      '2026-11-09',
      '2026-11-10',
      '2026-11-11',
      '2026-11-12',
    ]);
    expect(body.byDay[0]).toMatchObject({
      conversationsOpened: 0,
      firstResponseTime: { median: null, count: 0 },
    });
  });

  it('accepts ISO date-time bounds (to exclusive)', async () => {
    const body = (
      await report(`from=2026-11-10T15:00:00Z&to=2026-11-10T15:30:00Z&channel=${channel}`)
    ).json();
    // Boris's conversations were opened exactly at 15:30: outside [from, to).
    expect(body.totals.conversationsOpened).toBe(0);
    expect(body.totals.conversationsResolved).toBe(1);
  });
});

describe('inbox report access and input', () => {
  it('gives an agent their own figures only', async () => {
    const own = await report('from=2026-11-10&to=2026-11-11', anna.token);
    expect(own.statusCode).toBe(200);
    expect(own.json().byAgent.map((a: { agentId: string }) => a.agentId)).toEqual([anna.user.id]);
    expect(own.json().totals.conversationsOpened).toBe(5);
    const others = await report(`agent=${boris.user.id}`, anna.token);
    expect(others.statusCode).toBe(403);
    // An agent-role API key has no user: it reads everyone's, like the conversation list.
    const key = await report('from=2026-11-10&to=2026-11-11', await app.apiKeyWithRole('agent'));
    expect(key.json().totals.conversationsOpened).toBe(8);
  });

  it('lets readonly and marketing read the report, not anonymous callers', async () => {
    for (const role of ['readonly', 'marketing'] as const) {
      const { token } = await app.userWithRole(role);
      expect((await report('from=2026-11-10&to=2026-11-11', token)).statusCode).toBe(200);
    }
    const anonymous = await app.http!.inject({ method: 'GET', url: '/api/v1/reports/inbox' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses bad bounds with the field at fault', async () => {
    const reversed = await report('from=2026-11-12&to=2026-11-10');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.details).toEqual([{ path: 'from', message: 'must be before to' }]);
    const impossible = await report('from=2026-02-31');
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json().error.details[0].path).toBe('from');
    const garbage = await report('to=yesterday');
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().error.details[0].path).toBe('to');
    const tooLong = await report('from=2024-01-01&to=2026-01-01');
    expect(tooLong.statusCode).toBe(400);
    const badChannel = await report('channel=nope');
    expect(badChannel.statusCode).toBe(400);
  });
});
