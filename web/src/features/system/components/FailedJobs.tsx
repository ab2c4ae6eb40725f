import { useI18n } from '../../../i18n/i18n.tsx';
import { type Job, useRetryJob } from '../api.ts';

/** Jobs with an error: out of attempts or backing off, each with its last error and a retry button. */
export function FailedJobs({ jobs, canRetry }: { jobs: Job[]; canRetry: boolean }) {
  const { t, fmt } = useI18n();
  const retry = useRetryJob();
  if (jobs.length === 0) return <p className="hint">{t('system.noFailed')}</p>;
  return (
    <>
      {retry.error ? (
        <p className="form-error" role="alert">
          {t('error.generic', { message: retry.error.message })}
        </p>
      ) : null}
      <ul className="system-list">
        {jobs.map((job) => (
          <li key={job.id} className="card system-job" data-testid="failed-job">
            <div className="system-job-head">
              <span>
                <code>{job.task}</code> <span className="hint">#{job.id}</span>{' '}
                <span className={job.permanent ? 'system-bad' : 'system-warn'}>
                  {job.permanent
                    ? t('system.gaveUp')
                    : t('system.willRetry', { time: fmt.dateTime(job.runAt) })}
                </span>
              </span>
              {canRetry ? (
                <button
                  type="button"
                  onClick={() => retry.mutate(job.id)}
                  disabled={retry.isPending && retry.variables === job.id}
                  aria-label={t('system.retryJob', { task: job.task, id: job.id })}
                >
                  {t('system.retry')}
                </button>
              ) : null}
            </div>
            <div className="hint">
              {t('system.attempts', { attempts: job.attempts, max: job.maxAttempts })} ·{' '}
              {t('system.failedAt', { time: fmt.dateTime(job.updatedAt) })}
              {job.queue ? ` · ${t('system.queue', { queue: job.queue })}` : ''}
            </div>
            {job.lastError ? <pre className="system-error">{job.lastError}</pre> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
