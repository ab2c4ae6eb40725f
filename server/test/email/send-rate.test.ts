import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Clock } from '../../src/lib/clock.ts';
import { SmtpSink } from '../fakes/smtp-sink.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/** A clock that stands still until moved: the channel's bucket refills only when the test says so. */
class StillClock implements Clock {
  private t = Date.now();
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

let app: TestApp;
let sink: SmtpSink;
const clock = new StillClock();

beforeAll(async () => {
  sink = await SmtpSink.start();
  app = await startTestApp({ role: 'api', clock });
});
afterAll(async () => {
  await app?.stop();
  await sink?.close();
});

it('lets an email channel send its ratePerSecond at once, and the rest only as the clock moves on', async () => {
  const { token } = await app.userWithRole('admin');
  const res = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/channels',
    headers: bearer(token),
    payload: {
      type: 'email',
      name: 'Slow relay',
      settings: { address: 'news@shop.test', smtp: { host: '127.0.0.1', port: sink.port }, ratePerSecond: 2 },
    },
  });
  expect(res.statusCode).toBe(201);
  const senders = app.services.emailSenders;
  const sender = senders.forChannel((await app.services.ctx.repos.channels.get(res.json().id))!);

  let done = 0;
  const sends = Array.from({ length: 5 }, (_, i) =>
    senders.sendAndRecordBounces(sender, { to: `r${i}@x.test`, subject: 's', text: 't' }).then(() => {
      done += 1;
    }),
  );
  // The burst: two mails. The other three wait for tokens that a standing clock never refills.
  await sink.waitFor(2);
  await eventually(async () => done === 2);
  await new Promise((r) => setTimeout(r, 700));
  expect(sink.mails.length).toBe(2);

  clock.advance(500); // one more token at 2/s
  await sink.waitFor(3);
  clock.advance(1000); // two more
  await Promise.all(sends);
  expect(sink.mails.length).toBe(5);
  senders.forget(res.json().id);
});
