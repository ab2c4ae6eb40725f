import { Readable } from 'node:stream';
import { type CsvError, Parser } from 'csv-parse';
import type { ContactImport } from '../db/schema.ts';
import type { Repos } from '../repositories/index.ts';
import { BatchBuilder } from './contact-import.batch.ts';
import { detectDelimiter, type Header, mapRow, parseHeader, startLine } from './contact-import.rows.ts';
import type { ServiceContext } from './context.ts';
import { commitBatches } from './imports.commit.ts';

/** Knobs of one run; tests and the benchmark use them, the job uses the defaults. */
export interface RunOptions {
  /** Records per transaction. */
  batchSize?: number;
  /** The job's last attempt: an unexpected error then fails the import instead of leaving it for a retry. */
  lastAttempt?: boolean;
  /** Called after each committed batch with the import as committed (tests simulate a crash by throwing). */
  afterBatch?: (imp: ContactImport) => void | Promise<void>;
}

/** A problem with the file itself: retrying cannot help, so the import fails with this message. */
export class ImportDataError extends Error {}

export const DEFAULT_BATCH_SIZE = 5000;
// A record larger than this is a runaway quote, not data: stop instead of buffering the rest of the file.
const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Parses the stored file chunk by chunk (never the whole file in memory) and commits it in batches.
 * Each batch is one transaction: upsert, rejected rows, counters and the progress event, so a crash
 * resumes right after the last committed batch by skipping `processed_rows` records.
 */
export async function processImport(
  ctx: ServiceContext,
  imp: ContactImport,
  opts: RunOptions,
): Promise<void> {
  const first = await ctx.repos.imports.chunk(imp.id, 0);
  if (!first) throw new ImportDataError('The uploaded file is missing');
  const parser = new OrderedErrorParser({
    delimiter: detectDelimiter(await prefix(ctx.repos, imp.id, first)),
    bom: true,
    info: true,
    relax_column_count: true,
    // A stray quote inside an unquoted cell (Ivan "Tiger" Petrov) is text, not an error.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  // highWaterMark 1: at most one chunk read ahead of the parser, so memory stays at a couple of chunks.
  const source = Readable.from(chunks(ctx.repos, imp.id, first), { objectMode: true, highWaterMark: 1 });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);

  const batches = readBatches(parser, imp.processedRows, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  // Reading runs one batch ahead, so parsing overlaps with the database writing.
  let ahead: Promise<IteratorResult<BatchBuilder>> | null = null;
  const pull = () => {
    const p = batches.next();
    // Marked handled: if a commit fails first, the read-ahead's own failure must not crash the process.
    p.catch(() => undefined);
    return p;
  };
  const next = async () => {
    const r = await (ahead ?? pull());
    ahead = r.done ? null : pull();
    return r.done ? null : r.value;
  };
  try {
    await commitBatches(ctx, imp, next, async (row) => {
      await opts.afterBatch?.(row);
    });
  } finally {
    source.destroy();
    parser.destroy();
    await batches.return(undefined).catch(() => undefined);
  }
}

/**
 * Records → batches, skipping the `skip` records already committed. A broken CSV ends the stream with the
 * records before it as a last batch, then the failure.
 */
async function* readBatches(parser: Parser, skip: number, batchSize: number): AsyncGenerator<BatchBuilder> {
  let header: Header | null = null;
  let seen = 0;
  let batch = new BatchBuilder(batchSize);
  for await (const item of parser as AsyncIterable<ParsedRecord | ParseFailure>) {
    if (item instanceof ParseFailure) {
      if (batch.size > 0) yield batch;
      const lines = (item.error as CsvError & { lines?: number }).lines;
      throw new ImportDataError(`Line ${lines ?? '?'}: ${item.error.message}`);
    }
    const { record, info } = item;
    if (!header) {
      const parsed = parseHeader(record);
      if (parsed.problems.length)
        throw new ImportDataError(`Bad header: ${parsed.problems.map((p) => p.message).join('; ')}`);
      header = parsed.header;
      continue;
    }
    seen++;
    if (seen <= skip) continue;
    const entry = mapRow(record, header, startLine(info.lines, record));
    if (!batch.add(entry)) {
      yield batch;
      batch = new BatchBuilder(batchSize, batch.keys);
      if (!batch.add(entry)) {
        // The row repeats a key of the batch just handed over: start one that waits for it.
        batch = new BatchBuilder(batchSize);
        batch.standalone = true;
        batch.add(entry);
      }
    }
  }
  if (batch.size > 0) yield batch;
}

type ParsedRecord = { record: string[]; info: { lines: number } };

/** A CSV syntax error, as the last item of the stream. */
class ParseFailure {
  constructor(readonly error: Error) {}
}

/**
 * csv-parse fails by destroying the stream, which drops the records parsed just before the error.
 * This parser instead ends the stream with a ParseFailure after them, so those rows are still imported.
 */
class OrderedErrorParser extends Parser {
  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    super._transform(chunk, encoding, (err?: Error | null) => this.settle(err, callback));
  }

  override _flush(callback: (err?: Error | null) => void): void {
    super._flush!((err?: Error | null) => this.settle(err, callback));
  }

  private settle(err: Error | null | undefined, callback: (err?: Error | null) => void): void {
    if (err) {
      this.push(new ParseFailure(err));
      this.push(null);
    }
    callback();
  }
}

/** The file's first 64 KB (enough for the header line), possibly across several small chunks. */
async function prefix(repos: Repos, importId: string, first: Buffer): Promise<Buffer> {
  const parts = [first];
  let length = first.length;
  for (let seq = 1; length < 64 * 1024 && !first.includes(10); seq++) {
    const data = await repos.imports.chunk(importId, seq);
    if (!data) break;
    parts.push(data);
    length += data.length;
    if (data.includes(10)) break;
  }
  return Buffer.concat(parts).subarray(0, 64 * 1024);
}

/** The stored chunks in order, one query each, pulled only as fast as the parser consumes them. */
async function* chunks(repos: Repos, importId: string, first: Buffer): AsyncGenerator<Buffer> {
  yield first;
  for (let seq = 1; ; seq++) {
    const data = await repos.imports.chunk(importId, seq);
    if (!data) return;
    yield data;
  }
}
