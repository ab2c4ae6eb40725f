import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { AutomationWorld, type Json } from './automation-world.ts';

/**
 * The webhook action against a real local HTTP server that verifies the signature the way a receiver should (HMAC-SHA256
 * of "<t>.<raw body>" with the shared secret, constant-time compare, a fresh timestamp).
 */

const SECRET = 'whsec_test_3f9a';
let w: AutomationWorld;
let server: http.Server;
let url: string;
/** Per path: the status codes to answer in turn (then 200). */
const script = new Map<string, number[]>();
const received: Array<{ path: string; verified: boolean; body: Json; delivery: string }> = [];

function verify(header: string | undefined, raw: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', SECRET).update(`${m[1]}.${raw}`).digest();
  const fresh = Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
  return fresh && timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      const verified = verify(req.headers['x-switchboard-signature'] as string | undefined, raw);
      received.push({
        path,
        verified,
        body: JSON.parse(raw),
        delivery: String(req.headers['x-switchboard-delivery']),
      });
      const status = script.get(path)?.shift() ?? (verified ? 200 : 401);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: status === 200, tier: 'gold' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  w = await AutomationWorld.start();
});
afterAll(async () => {
  await w?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

describe('webhook action', () => {
  it('posts a signed body, retries after a 500, and the next step runs after the 200', async () => {
    script.set('/flaky', [500]);
    const rule = await w.rule({
      name: 'CRM sync',
      trigger: { kind: 'event', event: 'order_paid' },
      actions: [
        { type: 'webhook', url: `${url}/flaky`, secret: SECRET },
        { type: 'add_tags', tags: ['synced'] },
      ],
    });
    const c = await w.contact();
    await w.event(c, 'order_paid', { orderId: 'O-1' });
    const [run] = await eventually(
      async () => {
        const runs = await w.runs(rule.id);
        return runs[0]?.status === 'completed' ? runs : undefined;
      },
      30_000,
      'the run completed after the retry',
    );
    const calls = received.filter((r) => r.path === '/flaky');
    expect(calls).toHaveLength(2);
    expect(calls.every((r) => r.verified)).toBe(true);
    // Both attempts are the same delivery, so the receiver can tell a retry from a new call.
    expect(new Set(calls.map((r) => r.delivery))).toEqual(new Set([`${run!.id}:0`]));
    expect(calls[1]!.body).toMatchObject({
      automation: { id: rule.id, name: 'CRM sync' },
      contactId: c,
      context: { event: { name: 'order_paid', properties: { orderId: 'O-1' } } },
    });
    expect((await w.repos.contacts.get(c))!.tags).toEqual(['synced']);
    // The answer is in the context for later steps.
    expect(run!.context).toMatchObject({ webhook: { status: 200, response: { tier: 'gold' } } });
    expect(run!.log.map((e) => [e.action, e.outcome])).toEqual([
      ['conditions', 'done'],
      ['webhook', 'waiting'],
      ['webhook', 'done'],
      ['add_tags', 'done'],
      ['end', 'completed'],
    ]);
  }, 40_000);

  it('fails the run without retrying when the receiver refuses the call (4xx)', async () => {
    script.set('/gone', [410]);
    const rule = await w.rule({
      name: 'Gone hook',
      trigger: { kind: 'event', event: 'order_refunded' },
      actions: [
        { type: 'webhook', url: `${url}/gone`, secret: SECRET },
        { type: 'add_tags', tags: ['never'] },
      ],
    });
    const c = await w.contact();
    await w.event(c, 'order_refunded');
    const [run] = await eventually(async () => {
      const runs = await w.runs(rule.id);
      return runs[0]?.status === 'failed' ? runs : undefined;
    });
    expect(run!.error).toBe('the webhook answered 410');
    expect(received.filter((r) => r.path === '/gone')).toHaveLength(1);
    expect((await w.repos.contacts.get(c))!.tags).toEqual([]);
  });
});
