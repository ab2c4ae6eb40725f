import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { usePermissions } from '../../../lib/me.ts';
import { REFRESH_MS, useSystemJobs, useSystemStatus } from '../api.ts';
import { byteSize, everyMinutes, uptimeParts } from '../system-format.ts';
import { FailedJobs } from './FailedJobs.tsx';

/** The operator's view of the job system: queues, failed jobs with retry, workers, recurring jobs, database, version. */
export function SystemPage() {
  const { t, fmt, locale } = useI18n();
  const can = usePermissions();
  const jobs = useSystemJobs();
  const status = useSystemStatus();
  const error = jobs.error ?? status.error;
  const s = status.data;
  const up = s ? uptimeParts(s.uptimeSeconds) : null;
  const size = s ? byteSize(s.databaseSizeBytes) : null;

  return (
    <div className="page system">
      <div className="system-head">
        <h1>{t('system.title')}</h1>
        <p className="hint">{t('system.refreshing', { seconds: REFRESH_MS / 1000 })}</p>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error instanceof ApiError && error.status === 403
            ? t('error.forbidden')
            : t('error.generic', { message: error.message })}
        </p>
      ) : null}
      {s && up && size ? (
        <dl className="system-facts card" data-testid="system-facts">
          <div>
            <dt>{t('system.version')}</dt>
            <dd>{s.version}</dd>
          </div>
          <div>
            <dt>{t('system.uptime')}</dt>
            <dd>
              {up.days > 0
                ? t('system.uptimeDays', { days: up.days, hours: up.hours })
                : up.hours > 0
                  ? t('system.uptimeHours', { hours: up.hours, minutes: up.minutes })
                  : t('system.uptimeMinutes', { minutes: up.minutes })}
            </dd>
          </div>
          <div>
            <dt>{t('system.database')}</dt>
            <dd>
              {new Intl.NumberFormat(locale, { style: 'unit', unit: size.unit, unitDisplay: 'short' }).format(
                size.value,
              )}
            </dd>
          </div>
          <div>
            <dt>{t('system.node')}</dt>
            <dd>{s.node}</dd>
          </div>
        </dl>
      ) : null}

      <section aria-labelledby="system-queues">
        <h2 id="system-queues">{t('system.queues')}</h2>
        {jobs.data && jobs.data.tasks.length === 0 ? <p className="hint">{t('system.queuesEmpty')}</p> : null}
        {jobs.data && jobs.data.tasks.length > 0 ? (
          <div className="table-scroll">
            <table className="table system-counts">
              <thead>
                <tr>
                  <th scope="col">{t('system.task')}</th>
                  <th scope="col">{t('system.waiting')}</th>
                  <th scope="col">{t('system.scheduled')}</th>
                  <th scope="col">{t('system.running')}</th>
                  <th scope="col">{t('system.retrying')}</th>
                  <th scope="col">{t('system.failed')}</th>
                </tr>
              </thead>
              <tbody>
                {jobs.data.tasks.map((row) => (
                  <tr key={row.task}>
                    <th scope="row">
                      <code>{row.task}</code>
                    </th>
                    <td>{fmt.number(row.waiting)}</td>
                    <td>{fmt.number(row.scheduled)}</td>
                    <td>{fmt.number(row.running)}</td>
                    <td>{fmt.number(row.retrying)}</td>
                    <td className={row.failed > 0 ? 'system-bad' : undefined}>{fmt.number(row.failed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="system-failed">
        <h2 id="system-failed">{t('system.failedJobs')}</h2>
        {jobs.data ? <FailedJobs jobs={jobs.data.failed} canRetry={can('system:write')} /> : null}
      </section>

      <div className="system-columns">
        <section aria-labelledby="system-workers">
          <h2 id="system-workers">{t('system.workers')}</h2>
          {s && s.workers.length === 0 ? <p className="form-error">{t('system.noWorkers')}</p> : null}
          <ul className="system-list">
            {s?.workers.map((w) => (
              <li key={w.id} className="card">
                <span className={w.alive ? 'system-ok' : 'system-bad'}>
                  {w.alive ? t('system.alive') : t('system.silent')}
                </span>{' '}
                <strong>{w.hostname}</strong> <span className="hint">{t('system.pid', { pid: w.pid })}</span>
                <div className="hint">
                  {t('system.heartbeat', { time: fmt.time(w.heartbeatAt) })} ·{' '}
                  {t('system.since', { time: fmt.dateTime(w.startedAt) })}
                </div>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="system-cron">
          <h2 id="system-cron">{t('system.cron')}</h2>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('system.task')}</th>
                  <th scope="col">{t('system.every')}</th>
                  <th scope="col">{t('system.lastRun')}</th>
                  <th scope="col">{t('system.nextRun')}</th>
                </tr>
              </thead>
              <tbody>
                {s?.scheduled.map((c) => {
                  const every = everyMinutes(c.nextRunAt, c.followingRunAt);
                  return (
                    <tr key={c.identifier}>
                      <th scope="row">
                        <code>{c.identifier}</code>
                      </th>
                      <td>
                        {every === null ? '—' : t('system.everyMinutes', { minutes: fmt.number(every) })}
                      </td>
                      <td className="system-when">
                        {c.lastRunAt ? fmt.dateTime(c.lastRunAt) : t('system.never')}
                      </td>
                      <td className="system-when">{c.nextRunAt ? fmt.dateTime(c.nextRunAt) : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </div>
  );
}
