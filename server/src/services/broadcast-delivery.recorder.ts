import { GroupCommitWriter } from '../lib/group-commit.ts';
import type {
  BroadcastDeliveriesRepository,
  OutcomeRow,
} from '../repositories/broadcast-deliveries.repository.ts';

/**
 * Write-behind recording of a broadcast's outcomes, many per statement (BroadcastDeliveriesRepository.record, which moves
 * the counters in the same statement). `backlog` bounds the rows a crash leaves in doubt; `onFlushed` sees the counters
 * after each flush. A failed flush's rows stay `sending` and are resolved as interrupted later.
 */
export class DeliveryRecorder extends GroupCommitWriter<OutcomeRow> {
  constructor(
    repo: Pick<BroadcastDeliveriesRepository, 'record'>,
    broadcastId: string,
    claimKey: number,
    onFlushed: (stats: Record<string, number>) => void,
    gatherMs = 20,
    maxPerFlush = 500,
  ) {
    super(
      async (batch) => {
        const { stats } = await repo.record(broadcastId, claimKey, batch);
        if (stats) onFlushed(stats);
      },
      { maxPerFlush, gatherMs },
    );
  }
}
