import { GroupCommitWriter } from '../lib/group-commit.ts';
import type {
  AttemptRow,
  BulkDeliveriesRepository,
  OutcomeRow,
} from '../repositories/bulk-deliveries.repository.ts';

/** Everything recorded about one claimed message: its final state, its attempts, and the identity it found unreachable. */
export interface RecordedOutcome {
  readonly outcome: OutcomeRow;
  readonly attempts: AttemptRow[];
  readonly unreachableChat?: { chatExternalId: string; error: string };
}

/**
 * Write-behind recording for the bulk sender: outcomes are written many at a time, one statement per flush
 * (BulkDeliveriesRepository.record). `add` resolves once its outcome is committed; `backlog` is the sender's bound on the
 * window of doubt. A failed flush's outcomes are not recorded: their rows stay 'sending' until the lease ends.
 */
export class OutcomeRecorder extends GroupCommitWriter<RecordedOutcome> {
  constructor(
    repo: Pick<BulkDeliveriesRepository, 'record'>,
    channelId: string,
    maxPerFlush = 500,
    gatherMs = 0,
  ) {
    super(
      (batch) =>
        repo.record(
          channelId,
          batch.map((o) => o.outcome),
          batch.flatMap((o) => o.attempts),
          batch.flatMap((o) => (o.unreachableChat ? [o.unreachableChat] : [])),
        ),
      { maxPerFlush, gatherMs },
    );
  }
}
