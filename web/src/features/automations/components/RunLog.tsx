import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { Link } from '../../../lib/router.tsx';
import { RUN_STATUSES, type RunStatus, useRuns } from '../api.ts';
import { factsOf } from '../run-view.ts';
import { RUN_STATUS_LABEL } from './labels.ts';

/** The rule's runs, newest first, filtered by status and paged by the API's cursor; each opens to its step log. */
export function RunLog({ id }: { id: string }) {
  const { t, fmt } = useI18n();
  const [statuses, setStatuses] = useState<RunStatus[]>([]);
  // The cursors of the pages seen so far, so "newer" goes back without the API paging backwards.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const runs = useRuns(id, statuses, cursor);
  const toggle = (s: RunStatus, on: boolean) => {
    setStatuses(on ? [...statuses, s] : statuses.filter((x) => x !== s));
    setCursors([null]);
  };

  return (
    <section className="card" aria-labelledby="au-runs-title" data-testid="run-log">
      <div className="au-head">
        <h2 id="au-runs-title">{t('automations.runs.title')}</h2>
        <button type="button" disabled={runs.isFetching} onClick={() => void runs.refetch()}>
          {t('automations.runs.refresh')}
        </button>
      </div>
      <fieldset>
        <legend className="au-sublegend">{t('automations.runs.filter')}</legend>
        <div className="segmented">
          {RUN_STATUSES.map((s) => (
            <label key={s}>
              <input
                type="checkbox"
                checked={statuses.includes(s)}
                onChange={(e) => toggle(s, e.target.checked)}
              />
              {t(RUN_STATUS_LABEL[s])}
            </label>
          ))}
        </div>
      </fieldset>
      {runs.isError ? <p className="form-error">{problemText(runs.error, t)}</p> : null}
      {runs.data && runs.data.data.length === 0 ? (
        <p className="hint">{t('automations.runs.empty')}</p>
      ) : null}
      {runs.data && runs.data.data.length > 0 ? (
        <table className="table au-runs">
          <thead>
            <tr>
              <th>{t('automations.runs.started')}</th>
              <th>{t('automations.runs.contact')}</th>
              <th>{t('automations.runs.status')}</th>
              <th>{t('automations.runs.log')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.data.map((run) => (
              <tr key={run.id} data-testid="run-row">
                <td>{fmt.dateTime(run.createdAt)}</td>
                <td>
                  {run.contactId ? (
                    <Link to={`/contacts/${run.contactId}`}>{t('automations.runs.openContact')}</Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <span className={`au-status au-status-${run.status}`}>
                    {run.status in RUN_STATUS_LABEL ? t(RUN_STATUS_LABEL[run.status]) : run.status}
                  </span>
                  {run.wakeAt && run.status === 'waiting' ? (
                    <div className="hint">
                      {t('automations.runs.wakes', { at: fmt.dateTime(run.wakeAt) })}
                    </div>
                  ) : null}
                  {run.error ? <div className="form-error">{run.error}</div> : null}
                </td>
                <td>
                  <details>
                    <summary>{t('automations.runs.steps', { n: run.log?.length ?? 0 })}</summary>
                    <ol className="au-log">
                      {(run.log ?? []).map((entry) => (
                        <li key={`${entry.at}-${entry.step}-${entry.action}-${entry.outcome}`}>
                          <span className="hint">{fmt.time(entry.at)}</span> <strong>{entry.action}</strong>{' '}
                          {entry.outcome}{' '}
                          <span className="au-summary">
                            {factsOf(entry.detail)
                              .map(([k, v]) => (k ? `${k}: ${v}` : v))
                              .join('; ')}
                          </span>
                        </li>
                      ))}
                    </ol>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="au-buttons">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('automations.runs.newer')}
        </button>
        <button
          type="button"
          disabled={!runs.data?.nextCursor}
          onClick={() => runs.data?.nextCursor && setCursors([...cursors, runs.data.nextCursor])}
        >
          {t('automations.runs.older')}
        </button>
      </div>
    </section>
  );
}
