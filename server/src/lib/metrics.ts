import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SendMetrics } from './send-metrics.ts';

/** Database reads done at scrape time (repositories/channel-health.repository.ts). */
export interface MetricsSources {
  telegramPauses(): Promise<Array<{ channelId: string; seconds: number }>>;
}

/** Prometheus metrics of one process, served at /metrics. */
export function createMetrics(pool: Pool, sources?: MetricsSources, log?: Logger) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobsTotal = new Counter({
    name: 'switchboard_jobs_total',
    help: 'Jobs run by this process, by task and outcome',
    labelNames: ['task', 'outcome'],
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'switchboard_job_duration_seconds',
    help: 'Job run time by task',
    labelNames: ['task'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [registry],
  });
  new Gauge({
    name: 'switchboard_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
  const telegramPauses = new Counter({
    name: 'switchboard_telegram_pauses_total',
    help: 'Times a Telegram bot was paused after a 429 (retry_after), by channel id; counted by the process that got the 429',
    labelNames: ['channel'],
    registers: [registry],
  });
  const messagesSent = new Counter({
    name: 'switchboard_messages_sent_total',
    help: 'Delivery attempts made by this process, by channel type and outcome (sent, rejected, unavailable, rate_limited, unreachable)',
    labelNames: ['channel_type', 'outcome'],
    registers: [registry],
  });
  if (sources)
    new Gauge({
      name: 'switchboard_telegram_paused_seconds',
      help: 'Seconds left of the 429 pause of each Telegram bot (0 when not paused), read from the database at scrape time',
      labelNames: ['channel'],
      registers: [registry],
      async collect() {
        // Rebuilt each scrape so deleted channels disappear; a failed read leaves the gauge empty rather than failing /metrics.
        this.reset();
        try {
          for (const p of await sources.telegramPauses()) this.set({ channel: p.channelId }, p.seconds);
        } catch (err) {
          log?.warn({ err }, 'metrics: could not read Telegram pauses');
        }
      },
    });
  const send: SendMetrics = {
    attempt: (channelType, outcome) => messagesSent.inc({ channel_type: channelType, outcome }),
    telegramPaused: (channelId) => telegramPauses.inc({ channel: channelId }),
  };
  return { registry, httpDuration, jobsTotal, jobDuration, send };
}

export type Metrics = ReturnType<typeof createMetrics>;
