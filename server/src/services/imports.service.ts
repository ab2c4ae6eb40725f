import { CsvError } from 'csv-parse';
import type { ContactImport } from '../db/schema.ts';
import { type CursorPosition, decodeCursor, encodeCursor, type Page } from '../lib/cursor.ts';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { ContactFilter } from '../repositories/contacts.repository.ts';
import { contactCells, csvLine, exportColumns } from './contact-export.csv.ts';
import { CONTACT_COLUMNS, parseHeader, readHeader } from './contact-import.rows.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { publishProgress } from './imports.commit.ts';
import { ImportDataError, processImport, type RunOptions } from './imports.runner.ts';

/** Where an upload comes from and what it belongs to. */
export interface UploadOptions {
  filename: string | null;
  channelId: string | null;
  /** Bytes per stored chunk (tests make it small to cross chunk boundaries). */
  chunkBytes?: number;
}

/** Export formatting: `;` and a BOM suit Excel in Russian locales. */
export interface ExportOptions {
  delimiter: ',' | ';';
  bom: boolean;
}

const CHUNK_BYTES = 1024 * 1024;
const EXPORT_BATCH = 2000;

/** Contact CSV import (upload → stored chunks → job) and export. */
export class ImportsService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Streams an upload into ~1 MB chunks in Postgres, checking the header first and counting bytes.
   * Everything happens in one transaction with the job queueing, so a refused or broken upload leaves nothing.
   */
  async upload(
    actor: Actor,
    body: AsyncIterable<Buffer | string>,
    opts: UploadOptions,
  ): Promise<ContactImport> {
    const chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
    const max = this.ctx.config.importMaxBytes;
    const chunks = rechunk(body, chunkBytes)[Symbol.asyncIterator]();
    const head = await readHead(chunks);
    await this.checkHeader(head, opts.channelId);
    return inTransaction(this.ctx, async (r) => {
      const imp = await r.imports.create({
        filename: opts.filename,
        channelId: opts.channelId,
        createdBy: actor.type === 'user' ? actor.id : null,
      });
      let bytes = 0;
      let seq = 0;
      const store = async (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > max)
          throw new PayloadTooLargeError(
            `The file is larger than the import limit of ${max / 1024 / 1024} MB`,
          );
        await r.imports.addChunk(imp.id, seq++, chunk);
      };
      for (const chunk of head.chunks) await store(chunk);
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) await store(next.value);
      const queued = await r.imports.markQueued(imp.id, bytes);
      await r.jobs.add(
        'contacts.import',
        { importId: imp.id },
        {
          jobKey: `contacts.import:${imp.id}`,
          // One queue: imports run one after another, so two files cannot both create the same new contact.
          queueName: 'contacts.import',
          maxAttempts: 5,
        },
      );
      await r.audit.record(actor, {
        action: 'contact_import.created',
        entityType: 'contact_import',
        entityId: imp.id,
        after: { filename: opts.filename, bytes },
      });
      await publishProgress(r, queued);
      return queued;
    });
  }

  /** Refuses a file whose header is empty or unknown, or a telegram_id column without a valid channel (400 each). */
  private async checkHeader(head: Head, channelId: string | null) {
    if (head.cells.length === 0)
      throw new ValidationError('The file is empty; it needs a header line', [
        { path: '/file', message: 'no header line' },
      ]);
    const { header, problems } = parseHeader(head.cells);
    if (problems.length) {
      throw new ValidationError(
        `Unknown or invalid columns: ${problems.map((p) => p.message).join('; ')}. ` +
          `Recognised: ${CONTACT_COLUMNS.join(', ')} and attr.<name>`,
        problems,
      );
    }
    if (header.hasTelegramId) {
      if (!channelId)
        throw new ValidationError('A telegram_id column needs the channelId of the bot it belongs to', [
          { path: '/channelId', message: 'required when the file has a telegram_id column' },
        ]);
      if (!(await this.ctx.repos.contacts.channelExists(channelId)))
        throw new ValidationError(`Channel ${channelId} does not exist`, [
          { path: '/channelId', message: 'no such channel' },
        ]);
    }
  }

  /** Runs (or resumes) an import; called by the `contacts.import` job. */
  async run(importId: string, opts: RunOptions = {}): Promise<void> {
    const { repos, log } = this.ctx;
    const imp = await repos.imports.get(importId);
    if (!imp || imp.status === 'uploading' || imp.status === 'completed' || imp.status === 'failed') return;
    const running = await inTransaction(this.ctx, async (r) => {
      const row = await r.imports.markRunning(importId);
      await publishProgress(r, row);
      return row;
    });
    try {
      await processImport(this.ctx, running, opts);
      await this.finish(importId, 'completed');
    } catch (err) {
      const permanent = err instanceof ImportDataError;
      if (!permanent && !opts.lastAttempt) {
        // Left `running`: the job's retry resumes after the last committed batch.
        log.warn({ err, importId }, 'contact import interrupted; it resumes on retry');
        throw err;
      }
      log.error({ err, importId }, 'contact import failed');
      await this.finish(
        importId,
        'failed',
        permanent ? err.message : `Stopped after repeated errors: ${String(err)}`,
      );
    }
  }

  private async finish(importId: string, status: 'completed' | 'failed', error: string | null = null) {
    await inTransaction(this.ctx, async (r) => {
      const row = await r.imports.finish(importId, status, error);
      await r.audit.record(
        { type: 'system', id: null, name: 'contact import' },
        {
          action: `contact_import.${status}`,
          entityType: 'contact_import',
          entityId: importId,
          after: {
            processed: row.processedRows,
            created: row.createdRows,
            rejected: row.rejectedRows,
            error,
          },
        },
      );
      await publishProgress(r, row);
    });
  }

  async get(id: string): Promise<ContactImport> {
    const imp = await this.ctx.repos.imports.get(id);
    if (!imp) throw new NotFoundError('Import', id);
    return imp;
  }

  /** Imports, newest first. */
  async list(limit: number, cursor?: string): Promise<Page<ContactImport>> {
    const after = cursor ? decodeCursor(cursor, (p) => p.k === 'imports') : undefined;
    const rows = await this.ctx.repos.imports.list(
      limit + 1,
      after ? { createdAt: String(after.v), id: after.id } : undefined,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const more = rows.length > limit && last;
    const pos: CursorPosition | null = more
      ? { v: last.createdAt.toISOString(), id: last.id, k: 'imports' }
      : null;
    return { data: page, nextCursor: pos ? encodeCursor(pos) : null };
  }

  /** Rejected rows of an import by line. */
  async errors(id: string, limit: number, cursor?: string): Promise<Page<{ line: number; reason: string }>> {
    await this.get(id);
    const after = cursor ? decodeCursor(cursor, (p) => p.id === id && typeof p.v === 'number') : undefined;
    const rows = await this.ctx.repos.imports.errors(id, limit + 1, after ? Number(after.v) : 0);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page,
      nextCursor: rows.length > limit && last ? encodeCursor({ v: last.line, id }) : null,
    };
  }

  /**
   * The contacts of a filter as CSV, in batches by keyset (created_at, id): memory holds one batch.
   * The attribute columns come from one cheap query of the distinct keys first.
   */
  async *exportCsv(filter: ContactFilter, opts: ExportOptions): AsyncGenerator<string> {
    const { repos } = this.ctx;
    const keys = await repos.imports.attributeKeys(filter);
    const channelId = filter.channelId ?? null;
    yield (opts.bom ? '\uFEFF' : '') + csvLine(exportColumns(keys, channelId !== null), opts.delimiter);
    let after: CursorPosition | undefined;
    for (;;) {
      const rows = await repos.contacts.search({
        filter,
        sort: 'createdAt',
        order: 'asc',
        limit: EXPORT_BATCH,
        after,
      });
      if (rows.length === 0) return;
      const telegram = channelId
        ? await repos.imports.telegramIds(
            channelId,
            rows.map((c) => c.id),
          )
        : null;
      let out = '';
      for (const c of rows)
        out += csvLine(contactCells(c, keys, telegram?.get(c.id), channelId !== null), opts.delimiter);
      yield out;
      if (rows.length < EXPORT_BATCH) return;
      const last = rows.at(-1)!;
      after = { v: last.sortValue, id: last.id };
    }
  }
}

/** Re-slices a byte stream into chunks of `size` bytes (the last may be shorter). */
async function* rechunk(body: AsyncIterable<Buffer | string>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const piece of body) {
    let buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
    while (length + buf.length >= size) {
      const take = size - length;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts);
      buf = buf.subarray(take);
      parts = [];
      length = 0;
    }
    if (buf.length) {
      parts.push(buf);
      length += buf.length;
    }
  }
  if (length > 0) yield Buffer.concat(parts);
}

/** The first chunks of an upload, enough to hold the header line, and that line's cells. */
interface Head {
  chunks: Buffer[];
  cells: string[];
}

const MAX_HEADER_BYTES = 64 * 1024;

/** Pulls chunks until the header line is complete (or the file ends); a header over 64 KB is refused. */
async function readHead(chunks: AsyncIterator<Buffer>): Promise<Head> {
  const taken: Buffer[] = [];
  for (;;) {
    const next = await chunks.next();
    if (!next.done) taken.push(next.value);
    const bytes = Buffer.concat(taken);
    let head: ReturnType<typeof readHeader>;
    try {
      head = readHeader(
        bytes.subarray(0, MAX_HEADER_BYTES),
        next.done === true || bytes.length >= MAX_HEADER_BYTES,
      );
    } catch (err) {
      if (err instanceof CsvError)
        throw new ValidationError('The header line is not valid CSV', [
          { path: '/file', message: err.message },
        ]);
      throw err;
    }
    if (head) return { chunks: taken, cells: head.cells };
  }
}
