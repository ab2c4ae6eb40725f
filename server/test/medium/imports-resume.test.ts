import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_CHANNEL } from '../../src/realtime/event-map.ts';
import type { Actor } from '../../src/repositories/audit.repository.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// An api-only process: no worker picks the queued job up, so each test drives the import service by hand.
let app: TestApp;
const system: Actor = { type: 'system', id: null, name: 'test' };
beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
});
afterAll(async () => {
  await app.stop();
});

async function* pieces(text: string, size: number) {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const upload = (csv: string, chunkBytes?: number) =>
  app.services.imports.upload(system, pieces(csv, 5), { filename: 'test.csv', channelId: null, chunkBytes });

const contactsWith = async (prefix: string) =>
  (
    await app.services.ctx.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('externalId', 'like', `${prefix}%`)
      .executeTakeFirstOrThrow()
  ).n;

describe('import job', () => {
  it('resumes after a crash mid-import exactly after the last committed batch, creating nothing twice', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `rs-${i},Row ${i},rs${i}@example.com`);
    // Line 12 repeats line 3's email: it must update, in a later batch, not create.
    rows.push('rs-0,Row 0 again,rs0@example.com', 'not valid,Bad,bad-email');
    const imp = await upload(['external_id,name,email', ...rows].join('\n'));
    let batches = 0;
    const crash = app.services.imports.run(imp.id, {
      batchSize: 3,
      afterBatch: () => {
        batches++;
        if (batches === 2) throw new Error('simulated crash');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    const mid = await app.services.imports.get(imp.id);
    expect(mid.status).toBe('running');
    // The batch written alongside the second one may have committed too; either way counters match the data.
    expect([6, 9]).toContain(mid.processedRows);
    expect(mid.createdRows).toBe(mid.processedRows);
    expect(await contactsWith('rs-')).toBe(mid.createdRows);

    await app.services.imports.run(imp.id, { batchSize: 3 });
    const done = await app.services.imports.get(imp.id);
    expect(done).toMatchObject({
      status: 'completed',
      processedRows: 12,
      createdRows: 10,
      updatedRows: 1,
      rejectedRows: 1,
    });
    expect(await contactsWith('rs-')).toBe(10);
    expect((await app.services.imports.errors(imp.id, 10)).data).toEqual([
      { line: 13, reason: 'email: not an email address: "bad-email"' },
    ]);
  });

  it('gives the same result as row-by-row when consecutive batches reach one contact by different keys', async () => {
    const seed = await upload('email,phone,name\nshared@example.com,+79160001111,Shared\n');
    await app.services.imports.run(seed.id);
    const imp = await upload(
      [
        'external_id,email,phone,name',
        'cc-1,shared@example.com,,Claimed by email', // batch 1: takes the contact, gives it external id cc-1
        'cc-0,,,Filler',
        // Batch 2 is matched while batch 1 is still being written: by phone it would reach the same contact,
        // but row by row that contact holds cc-1 by now, so this row must become a new contact.
        'cc-2,,+79160001111,Own contact',
        'cc-3,,,Filler',
      ].join('\n'),
    );
    await app.services.imports.run(imp.id, { batchSize: 2 });
    expect(await app.services.imports.get(imp.id)).toMatchObject({
      status: 'completed',
      createdRows: 3,
      updatedRows: 1,
    });
    const rows = await app.services.ctx.db
      .selectFrom('contacts')
      .select(['externalId', 'name', 'email', 'phone'])
      .where('phone', '=', '+79160001111')
      .orderBy('externalId')
      .execute();
    expect(rows).toEqual([
      { externalId: 'cc-1', name: 'Claimed by email', email: 'shared@example.com', phone: '+79160001111' },
      { externalId: 'cc-2', name: 'Own contact', email: null, phone: '+79160001111' },
    ]);
  });

  it('publishes import.progressed once per committed batch to the import room', async () => {
    const listener = new pg.Client({ connectionString: app.databaseUrl });
    await listener.connect();
    const rooms: string[] = [];
    listener.on('notification', (n) => {
      const msg = JSON.parse(n.payload ?? '{}');
      if (msg.event === 'import.progressed') rooms.push(msg.room);
    });
    await listener.query(`listen ${REALTIME_CHANNEL}`);
    try {
      const rows = Array.from({ length: 7 }, (_, i) => `ev-${i}`);
      const imp = await upload(['external_id', ...rows].join('\n'));
      let batches = 0;
      await app.services.imports.run(imp.id, { batchSize: 3, afterBatch: () => void batches++ });
      expect(batches).toBe(3);
      // Notifications arrive asynchronously after commit: poll (bounded) for the last one.
      for (let i = 0; i < 100 && rooms.filter((r) => r === `import:${imp.id}`).length < 6; i++)
        await new Promise((r) => setTimeout(r, 20));
      // queued + running + 3 batches + completed, each to `imports` and to `import:<id>`.
      expect(rooms.filter((r) => r === `import:${imp.id}`)).toHaveLength(6);
      expect(rooms.filter((r) => r === 'imports').length).toBeGreaterThanOrEqual(6);
    } finally {
      await listener.end();
    }
  });

  it('reads records and multi-byte characters split across tiny stored chunks', async () => {
    const csv = 'external_id,name\nch-1,"Ёжик\nв тумане"\nch-2,Чебурашка\n';
    const imp = await upload(csv, 7);
    expect(Number(imp.bytes)).toBe(Buffer.byteLength(csv));
    await app.services.imports.run(imp.id);
    expect(await app.services.imports.get(imp.id)).toMatchObject({ status: 'completed', createdRows: 2 });
    const names = await app.services.ctx.db
      .selectFrom('contacts')
      .select('name')
      .where('externalId', 'in', ['ch-1', 'ch-2'])
      .orderBy('externalId')
      .execute();
    expect(names.map((n) => n.name)).toEqual(['Ёжик\nв тумане', 'Чебурашка']);
  });

  it('fails the import with the line of broken CSV, keeping the batches before it', async () => {
    const csv = ['external_id,name', 'q-1,Ok', 'q-2,Ok', 'q-3,"never closed', 'q-4,Lost'].join('\n');
    const imp = await upload(csv);
    await app.services.imports.run(imp.id, { batchSize: 100 });
    const done = await app.services.imports.get(imp.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^Line \d+: Quote Not Closed/);
    expect(done.processedRows).toBe(2);
    expect(await contactsWith('q-')).toBe(2);
  });

  it('fails the import on the last attempt instead of leaving it running', async () => {
    const imp = await upload('external_id\nla-1\nla-2\nla-3\nla-4\n');
    await app.services.imports.run(imp.id, {
      batchSize: 1,
      lastAttempt: true,
      afterBatch: () => {
        throw new Error('database went away');
      },
    });
    const done = await app.services.imports.get(imp.id);
    expect(done.status).toBe('failed');
    expect(done.processedRows).toBeLessThan(4);
    expect(done.error).toMatch(/database went away/);
    // A finished import is never run again.
    await app.services.imports.run(imp.id);
    expect(await contactsWith('la-')).toBe(done.processedRows);
  });
});
