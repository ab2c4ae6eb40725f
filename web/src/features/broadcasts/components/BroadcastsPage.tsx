import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { usePermissions } from '../../../lib/me.ts';
import { ListError } from '../../../lib/ProblemAlert.tsx';
import { Link } from '../../../lib/router.tsx';
import { type Broadcast, useBroadcastLiveUpdates, useBroadcasts } from '../api.ts';
import { broadcastProgress } from '../progress.ts';

const STATUS: Record<Broadcast['status'], MessageKey> = {
  draft: 'broadcasts.status.draft',
  scheduled: 'broadcasts.status.scheduled',
  sending: 'broadcasts.status.sending',
  paused: 'broadcasts.status.paused',
  completed: 'broadcasts.status.completed',
  cancelled: 'broadcasts.status.cancelled',
  failed: 'broadcasts.status.failed',
};

/** Broadcasts with their status and a live progress bar. */
export function BroadcastsPage() {
  const { t, fmt } = useI18n();
  const list = useBroadcasts();
  useBroadcastLiveUpdates();
  const broadcasts = list.data?.pages.flatMap((p) => p.data) ?? [];
  const can = usePermissions();

  return (
    <div className="page">
      <div className="bc-section-head">
        <h1>{t('broadcasts.title')}</h1>
        {can('broadcasts:write') ? (
          <Link to="/broadcasts/new" className="bc-new">
            {t('broadcasts.create.new')}
          </Link>
        ) : null}
      </div>
      <ListError error={list.error} />
      {list.isSuccess && broadcasts.length === 0 ? (
        <p className="page-message">{t('broadcasts.empty')}</p>
      ) : null}
      {broadcasts.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('broadcasts.name')}</th>
              <th scope="col">{t('broadcasts.statusColumn')}</th>
              <th scope="col">{t('broadcasts.progress')}</th>
              <th scope="col">{t('broadcasts.when')}</th>
            </tr>
          </thead>
          <tbody>
            {broadcasts.map((b) => {
              const p = broadcastProgress(b.stats);
              const when = b.startedAt ?? b.scheduledAt ?? b.createdAt;
              return (
                <tr key={b.id} data-testid="broadcast-row">
                  <td>
                    <Link to={`/broadcasts/${b.id}`}>{b.title}</Link>
                  </td>
                  <td>
                    {t(STATUS[b.status])}
                    {b.statusReason ? <span className="hint"> · {b.statusReason}</span> : null}
                  </td>
                  <td>
                    <progress
                      max={100}
                      value={p.percent}
                      aria-label={t('broadcasts.progressOf', { title: b.title })}
                    />{' '}
                    <span className="hint">
                      {t('broadcasts.counts', {
                        done: fmt.number(p.done),
                        total: fmt.number(p.total),
                        sent: fmt.number(b.stats.sent ?? 0),
                        failed: fmt.number((b.stats.failed ?? 0) + (b.stats.blocked ?? 0)),
                      })}
                    </span>
                  </td>
                  <td>
                    <time dateTime={when}>{fmt.dateTime(when)}</time>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {list.hasNextPage ? (
        <button type="button" className="button-quiet more" onClick={() => list.fetchNextPage()}>
          {t('inbox.loadMore')}
        </button>
      ) : null}
    </div>
  );
}
