import type { Logger } from 'pino';
import type { NotificationDrain, WakeSource } from './notification-drain.ts';

/**
 * A worker process's own drain, run by wake-ups instead of a job: the NOTIFY every trigger sends at its commit, the
 * reconnection of the listener and its periodic poll (jobs/notification-listener.ts) call `wake()`. Wake-ups coalesce:
 * one drain runs per process, and a wake-up while it runs only makes it claim once more (NotificationDrain.run). So a
 * notification committed while the drain is idle is claimed within a round trip of its commit, and a burst costs one
 * claim per free batch of send slots, not one per call. Drains of several processes split the rows with `skip locked`.
 */
export class NotificationPump implements WakeSource {
  pending = false;
  private waiter: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly drain: NotificationDrain,
    private readonly log: Logger,
  ) {}

  /** Rows may be due: starts the drain, or makes the running one claim again. */
  wake(): void {
    if (this.abort.signal.aborted) return;
    this.pending = true;
    this.waiter?.();
    this.waiter = null;
    this.running ??= this.loop();
  }

  take(): void {
    this.pending = false;
  }

  next(): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const previous = this.waiter;
      this.waiter = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** Stops claiming; resolves when the sends in flight are recorded. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.waiter?.();
    this.waiter = null;
    await this.running;
  }

  private async loop(): Promise<void> {
    try {
      // A wake-up that lands as a drain ends (after its last look at `pending`) is caught here.
      while (this.pending && !this.abort.signal.aborted)
        await this.drain.run({ signal: this.abort.signal, wakes: this });
    } catch (err) {
      // The database is away, most likely: the next wake-up (the poll at the latest) tries again.
      this.log.warn({ err }, 'notification drain failed; the next wake-up retries');
    } finally {
      this.running = null;
    }
  }
}
