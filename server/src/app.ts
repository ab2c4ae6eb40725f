import path from 'node:path';
import { Logger as GraphileLogger, type Runner, run as runWorker } from 'graphile-worker';
import type { Logger } from 'pino';
import { ImapReading, type ImapReadingOptions } from './channels/email/email.imap.ts';
import { SmtpReceiver } from './channels/email/email.receiver.ts';
import { type PollingOptions, TelegramPolling } from './channels/telegram/telegram.polling.ts';
import type { Config } from './config.ts';
import { createDatabase } from './db/database.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { buildHttp, type Http } from './http/server.ts';
import { cronItems } from './jobs/cron.ts';
import { taskList } from './jobs/handlers.ts';
import { NotificationListener, type NotificationListenerOptions } from './jobs/notification-listener.ts';
import { type LivenessOptions, WorkerLiveness } from './jobs/worker-liveness.ts';
import { type Clock, systemClock } from './lib/clock.ts';
import { createMetrics } from './lib/metrics.ts';
import { SecretBox } from './lib/secret-box.ts';
import { RealtimeHub, type RealtimeHubOptions } from './realtime/hub.ts';
import { PresenceTracker } from './realtime/presence-tracker.ts';
import { repositories } from './repositories/index.ts';
import { loadSecretKey } from './secret-key.ts';
import type { LoginThrottle } from './services/auth.service.ts';
import { createServices, type Services } from './services/index.ts';
import { LocalFileStorage } from './storage/local-file-storage.ts';

/** `start` runs everything; `api` serves HTTP and realtime; `worker` runs jobs. */
export type ProcessRole = 'start' | 'api' | 'worker';

export interface App {
  config: Config;
  services: Services;
  http: Http | null;
  hub: RealtimeHub | null;
  runner: Runner | null;
  /** Telegram pollers of this process (worker roles only). */
  telegramPolling: TelegramPolling | null;
  /** IMAP readers of this process (worker roles only). */
  imapReading: ImapReading | null;
  /** The built-in SMTP receiver (api/start roles, when EMAIL_SMTP_PORT is set). */
  smtpReceiver: SmtpReceiver | null;
  databaseUrl: string;
  /** Where HTTP listens (null for a worker). */
  address: string | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  role: ProcessRole;
  log: Logger;
  clock?: Clock;
  /** Failed-login throttle overrides (tests shorten it). */
  loginThrottle?: Partial<LoginThrottle>;
  /** Skip the first-run owner/setup step (tests create their own users). */
  skipBootstrap?: boolean;
  /** Worker poll interval; graphile-worker also wakes on LISTEN, so this only bounds the worst case. */
  pollIntervalMs?: number;
  /** Heartbeat and dead-worker timing (tests shorten it). */
  liveness?: LivenessOptions;
  /** Realtime heartbeat and auth timeout (tests shorten them). */
  realtime?: RealtimeHubOptions;
  /** Telegram long-polling timing (worker roles). */
  telegramPolling?: PollingOptions;
  /** IMAP reading timing (worker roles). */
  imapReading?: ImapReadingOptions;
  /** The notification drain's poll (worker roles; tests lengthen it to see the NOTIFY path alone). */
  notificationListener?: NotificationListenerOptions;
}

// Written into settings at first start; a process with another key fails fast instead of corrupting secrets.
const KEY_CHECK = '_secret_key_check';

/** Composition root: config → database → repositories → services → HTTP and/or worker. */
export async function startApp(config: Config, opts: StartOptions): Promise<App> {
  const { log, role } = opts;
  let embedded: EmbeddedDatabase | null = null;
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres(config.dataDir, log);
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  const { pool, db } = createDatabase(databaseUrl);
  // The sending path's own connections (ServiceContext.deliveryDb): grants, notification claims and outcomes.
  const delivery = createDatabase(databaseUrl, 8, 'switchboard-delivery');
  const cleanups: Array<() => Promise<void>> = [
    async () => delivery.db.destroy(),
    async () => db.destroy(),
    async () => embedded?.stop(),
  ];
  const stop = async () => {
    for (const fn of cleanups.splice(0))
      await fn().catch((err) => log.error({ err }, 'error while stopping'));
  };
  try {
    await migrate(pool, log);
    const secretBox = new SecretBox(await loadSecretKey(config.secretKey, config.dataDir, log));
    await checkSecretKey(secretBox, db);
    const repos = repositories(db);
    const metrics = createMetrics(pool, repos.channelHealth, log);
    const services = createServices({
      db,
      deliveryDb: delivery.db,
      repos,
      log,
      config,
      clock: opts.clock ?? systemClock,
      secretBox,
      // Attachment bytes under DATA_DIR/files; api and worker processes must share this directory (docs/architecture.md).
      storage: new LocalFileStorage(path.join(config.dataDir, 'files')),
      loginThrottle: opts.loginThrottle,
      sendMetrics: metrics.send,
    });

    let runner: Runner | null = null;
    let telegramPolling: TelegramPolling | null = null;
    let imapReading: ImapReading | null = null;
    let smtpReceiver: SmtpReceiver | null = null;
    if (role !== 'api') {
      const liveness = new WorkerLiveness(services.ctx.repos.workerProcesses, log, opts.liveness);
      runner = await runWorker({
        events: liveness.events,
        pgPool: pool,
        taskList: taskList(services, metrics),
        concurrency: config.workerConcurrency,
        noHandleSignals: true,
        pollInterval: opts.pollIntervalMs ?? 2000,
        logger: workerLogger(log),
        // Schedules come from code (jobs/cron.ts), not from a crontab file in the working directory.
        parsedCronItems: cronItems(),
      });
      await liveness.start();
      cleanups.unshift(
        () => runner!.stop(),
        () => liveness.stop(),
      );
      // Notifications are drained on wake-ups (NOTIFY at each trigger's commit, a poll), not one job per call. Stops before
      // the job runner: the drain's sends in flight are recorded while the pool is still open.
      const notificationListener = new NotificationListener(
        databaseUrl,
        () => services.notifications.wake(),
        log,
        opts.notificationListener,
      );
      cleanups.unshift(async () => {
        await notificationListener.stop();
        await services.notifications.stopDraining();
      });
      await notificationListener.start();
      // Pollers stop first (before the job runner and the pool): their last commit must land.
      const polling = new TelegramPolling(services.ctx, services.channels, databaseUrl, opts.telegramPolling);
      cleanups.unshift(() => polling.stop());
      await polling.start();
      telegramPolling = polling;
      // Mailboxes of email channels with inbound "imap": one reader per mailbox across workers (advisory lock).
      const imap = new ImapReading(services.ctx, databaseUrl, opts.imapReading);
      cleanups.unshift(() => imap.stop());
      await imap.start();
      imapReading = imap;
    }

    let http: Http | null = null;
    let hub: RealtimeHub | null = null;
    let address: string | null = null;
    if (role !== 'worker') {
      const presence = new PresenceTracker(services.presence, log);
      hub = new RealtimeHub(databaseUrl, (t) => services.auth.authenticate(t), log, {
        membershipOf: (userId) => services.ctx.repos.realtime.membershipOf(userId),
        // Live sockets per user → user_presence (presence and auto-assignment availability).
        presence,
        ...opts.realtime,
      });
      await hub.start();
      presence.start();
      // Runs after hub.stop (cleanups run in reverse): the closed sockets' writes land, then this process's rows go.
      cleanups.unshift(() => presence.stop());
      cleanups.unshift(() => hub!.stop());
      http = await buildHttp({ services, metrics, hub }, log);
      cleanups.unshift(() => http!.close());
      address = await http.listen({ port: config.port, host: config.host });
      if (!opts.skipBootstrap) await announceLogin(services, config, log);
      if (config.emailSmtp) {
        // Stops before the pool closes: a mail being stored finishes (and gets its 250) first.
        const receiver = new SmtpReceiver(services.ctx, config.emailSmtp);
        await receiver.start();
        cleanups.unshift(() => receiver.stop());
        smtpReceiver = receiver;
      }
    }
    // First to stop: sends waiting for a rate-limit slot give up (their jobs retry later) instead of holding up shutdown.
    cleanups.unshift(async () => services.telegramLimiter.stop());
    // After the job runner: a send in flight finishes before its SMTP pool closes.
    cleanups.splice(cleanups.length - 3, 0, async () => services.emailSenders.close());
    return {
      config,
      services,
      http,
      hub,
      runner,
      telegramPolling,
      imapReading,
      smtpReceiver,
      databaseUrl,
      address,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function checkSecretKey(box: SecretBox, db: ReturnType<typeof createDatabase>['db']): Promise<void> {
  const settings = repositories(db).settings;
  const sealed = (await settings.get(KEY_CHECK)) as string | undefined;
  if (sealed === undefined) return settings.set(KEY_CHECK, box.seal('switchboard'), null);
  try {
    box.open(sealed);
  } catch {
    throw new Error(
      'SWITCHBOARD_SECRET_KEY is not the key this database was set up with; secrets stored with the old key could not be read',
    );
  }
}

/** Creates the first owner (or a setup link) and says how to sign in. */
async function announceLogin(services: Services, config: Config, log: Logger): Promise<void> {
  const result = await services.auth.bootstrap();
  if (result && 'createdOwner' in result)
    log.info(
      { email: result.createdOwner },
      `created owner ${result.createdOwner}; sign in at ${config.publicUrl}`,
    );
  else if (result)
    log.warn(`no users yet: open ${result.setupUrl} to create the owner (link valid 24 h, single use)`);
  else log.info(`sign in at ${config.publicUrl}`);
}

/** graphile-worker's log lines, through our JSON logger (its info lines are routine: debug). */
function workerLogger(log: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const line = { worker: scope, ...(meta ?? {}) };
    if (level === 'error') log.error(line, message);
    else if (level === 'warning') log.warn(line, message);
    else log.debug(line, message);
  });
}
