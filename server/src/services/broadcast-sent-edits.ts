import type { InlineButton } from '../channels/channel.ts';
import type { TelegramAdapter } from '../channels/telegram/telegram.adapter.ts';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import {
  BroadcastSentEditsRepository,
  type SentEditCounts,
  type SentEditTarget,
  type SentRow,
} from '../repositories/broadcast-sent-edits.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { broadcastButtonSource, clickLinkBase, clickLinkKey, trackedButtons } from './broadcast-buttons.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { judgeFailure } from './outbound.failure.ts';
import { DEFAULT_RETRY } from './outbound.retry.ts';
import { renderTemplate } from './templates/render.ts';
import { type RenderWorkspace, TemplateError, type TemplateSource } from './templates/types.ts';
import { validateTemplate } from './templates/validate.ts';
import type { TemplatesService } from './templates.service.ts';

/** Where a correction or deletion of a sent broadcast stands. */
export interface SentEditStatus extends SentEditCounts {
  editVersion: number;
  deletedAt: Date | null;
}

/** What one run did. */
export interface SentEditReport {
  done: number;
  refused: number;
}

// Rows read per statement; the calls of a batch go out together and the limiter paces them at the bot's bulk rate.
const BATCH = 50;
// Calls in flight at once (each waits for its slot, then for Telegram), as the bulk sender does.
const CONCURRENCY = 10;

/** Thrown to end a run that met a retryable failure after recording what it finished; the job retries with backoff. */
class RetryLaterError extends Error {}

/**
 * Corrections ("fix a typo everywhere") and deletions of a broadcast's sent messages. A request is stored on the broadcast in
 * one conditional update; the job `run` brings every sent row to it through the channel's bulk path (editMessageText /
 * deleteMessage at bulk priority, so replies keep precedence), recording each row, so a crash or retry resumes with the
 * rows not done yet. Only settled broadcasts (completed, cancelled, failed) can be corrected or deleted.
 */
export class BroadcastSentEditsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly adapters: TelegramAdapters,
    private readonly templates: Pick<TemplatesService, 'workspace'>,
  ) {}

  private repo(db = this.ctx.db) {
    return new BroadcastSentEditsRepository(db);
  }

  /** Asks for every sent message to show `content` (Liquid in Telegram HTML, rendered per recipient); 409 unless settled. */
  async requestEdit(actor: Actor, broadcastId: string, content: string): Promise<SentEditStatus> {
    const workspace = await this.templates.workspace();
    try {
      validateTemplate({ format: 'telegram_html', body: content }, workspace);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      const problem = { path: '/content', message: err.message };
      if (err.line !== undefined) Object.assign(problem, { line: err.line, column: err.column });
      throw new ValidationError(`Invalid content: ${err.message}`, [problem]);
    }
    await inTransaction(this.ctx, async (r, tx) => {
      const repo = this.repo(tx);
      const version = await repo.requestEdit(broadcastId, content);
      if (version === undefined) throw await this.refusal(repo, broadcastId, 'corrected');
      await queueRun(r, broadcastId);
      await r.audit.record(actor, {
        action: 'broadcast.sent_edited',
        entityType: 'broadcast',
        entityId: broadcastId,
        after: { content, version },
      });
    });
    return this.status(broadcastId);
  }

  /** Asks for every sent message to be deleted (Telegram lets bots delete only messages under 48 hours old); 409 unless settled. */
  async requestDelete(actor: Actor, broadcastId: string): Promise<SentEditStatus> {
    await inTransaction(this.ctx, async (r, tx) => {
      const repo = this.repo(tx);
      if (!(await repo.requestDelete(broadcastId, this.ctx.clock.now())))
        throw await this.refusal(repo, broadcastId, 'deleted');
      await queueRun(r, broadcastId);
      await r.audit.record(actor, {
        action: 'broadcast.sent_deleted',
        entityType: 'broadcast',
        entityId: broadcastId,
      });
    });
    return this.status(broadcastId);
  }

  /** The current correction and deletion, with counts over the sent rows. */
  async status(broadcastId: string): Promise<SentEditStatus> {
    const repo = this.repo();
    const b = await repo.get(broadcastId);
    if (!b) throw new NotFoundError('Broadcast', broadcastId);
    const counts = await repo.counts(broadcastId, b.sentEditVersion);
    return { editVersion: b.sentEditVersion, deletedAt: b.sentDeletedAt, ...counts };
  }

  /**
   * The job: applies the broadcast's deletion if one was asked for, else its latest correction, to every sent row not done.
   * Permanent refusals are recorded on the row (edit_error / delete_error); a retryable failure records what finished and
   * throws, so the job retries later and carries on from there.
   */
  async run(broadcastId: string, opts: { signal?: AbortSignal } = {}): Promise<SentEditReport> {
    const b = await this.repo().get(broadcastId);
    const report: SentEditReport = { done: 0, refused: 0 };
    if (!b || (b.sentDeletedAt === null && b.sentEditVersion === 0)) return report;
    const channel = await this.ctx.repos.channels.get(b.channelId);
    if (!channel) return report;
    const adapter = this.adapters.forChannel(channel, 'bulk');
    const apply = b.sentDeletedAt !== null ? this.deleter(adapter) : await this.editor(adapter, b);
    const version = b.sentDeletedAt !== null ? null : b.sentEditVersion;
    let afterId = 0;
    for (;;) {
      if (opts.signal?.aborted) break;
      const rows = await this.repo().nextRows(broadcastId, version, afterId, BATCH);
      if (rows.length === 0) break;
      afterId = rows.at(-1)!.id;
      const outcomes: Array<{ id: number; error: string | null }> = [];
      let retry: string | null = null;
      await eachLimited(rows, CONCURRENCY, async (row) => {
        if (retry !== null) return;
        const error = await apply(row).then(
          () => null,
          (err: unknown) => {
            if (err instanceof RenderRefused) return err.message;
            const verdict = judgeFailure(err, 0, DEFAULT_RETRY);
            if (verdict.action === 'fail') return verdict.description;
            if (verdict.action === 'retry') retry = verdict.description;
            else retry = err instanceof Error ? err.message : String(err);
            return undefined;
          },
        );
        if (error !== undefined) outcomes.push({ id: row.id, error });
      });
      if (version === null) await this.repo().recordDeletes(this.ctx.clock.now(), outcomes);
      else await this.repo().recordEdits(version, outcomes);
      for (const o of outcomes) o.error === null ? report.done++ : report.refused++;
      if (retry !== null) throw new RetryLaterError(`stopped for a retryable failure: ${retry}`);
    }
    return report;
  }

  private deleter(adapter: TelegramAdapter) {
    return (row: SentRow) =>
      adapter.delete({ chatExternalId: row.chatExternalId, externalId: row.externalId });
  }

  /** Renders the correction per recipient with the broadcast's buttons (tracked as when sent: an edit drops absent ones). */
  private async editor(adapter: TelegramAdapter, b: SentEditTarget) {
    const workspace: RenderWorkspace = await this.templates.workspace();
    const buttons = broadcastButtonSource(b.buttons, b.templateButtons);
    const src: TemplateSource = { format: 'telegram_html', body: b.sentEditContent ?? '', buttons };
    const key = clickLinkKey(this.ctx.secretBox);
    const publicUrl = clickLinkBase(this.ctx.config);
    return async (row: SentRow) => {
      let rendered: ReturnType<typeof renderTemplate>;
      try {
        rendered = renderTemplate(src, { contact: row.contact, workspace });
      } catch (err) {
        // This recipient's data breaks the text (a limit, a missing value): their message keeps the original.
        if (err instanceof TemplateError) throw new RenderRefused(err.message);
        throw err;
      }
      const rows = trackedButtons(rendered.buttons, {
        broadcastId: b.id,
        contactId: row.contact.id!,
        publicUrl,
        secret: key,
        source: buttons,
      }).filter((r) => r.length > 0) as InlineButton[][];
      await adapter.edit(
        { chatExternalId: row.chatExternalId, externalId: row.externalId },
        { html: rendered.html, ...(rows.length > 0 ? { buttons: { kind: 'inline', rows } } : {}) },
      );
    };
  }

  /** The 404 or 409 for a request its conditional update refused. */
  private async refusal(repo: BroadcastSentEditsRepository, id: string, verb: string): Promise<Error> {
    const b = await repo.get(id);
    if (!b) return new NotFoundError('Broadcast', id);
    if (b.sentDeletedAt !== null)
      return new ConflictError(`The broadcast's messages were deleted; they cannot be ${verb}`);
    return new ConflictError(
      `A ${b.status} broadcast cannot be ${verb}: only completed, cancelled or failed ones (pause and cancel it first)`,
      [{ path: '/status', message: `is ${b.status}` }],
    );
  }
}

/**
 * Queues the run in the request's transaction. One queue per broadcast runs its jobs one at a time, so a request made while a
 * run is going gets a run of its own after it (the job key keeps at most one waiting).
 */
async function queueRun(r: Repos, broadcastId: string): Promise<void> {
  await r.jobs.add(
    'broadcasts.sent_edit',
    { broadcastId },
    { queueName: `broadcast-sent-edit:${broadcastId}`, jobKey: `broadcast:sent-edit:${broadcastId}` },
  );
}

/** A recipient whose correction cannot be rendered: recorded as refused for good, like Telegram's permanent refusals. */
class RenderRefused extends Error {}

/** Runs `fn` over `items` with at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
