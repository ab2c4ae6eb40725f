import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { usePermissions } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import type { Broadcast } from '../api.ts';
import {
  type BroadcastAction,
  useBroadcast,
  useBroadcastAction,
  useBroadcastPageLive,
  useDuplicateBroadcast,
} from '../detail-api.ts';
import { isEditable } from '../draft-edit.ts';
import { broadcastProgress } from '../progress.ts';
import { DeliveriesTable } from './DeliveriesTable.tsx';
import { useDurationText } from './Estimate.tsx';
import { Results } from './Results.tsx';
import { TestSend } from './TestSend.tsx';

export const STATUS_LABEL: Record<Broadcast['status'], MessageKey> = {
  draft: 'broadcasts.status.draft',
  scheduled: 'broadcasts.status.scheduled',
  sending: 'broadcasts.status.sending',
  paused: 'broadcasts.status.paused',
  completed: 'broadcasts.status.completed',
  cancelled: 'broadcasts.status.cancelled',
  failed: 'broadcasts.status.failed',
};

/** Which actions each status allows (the server's status machine; a race still gets its 409). */
const ACTIONS: Record<Broadcast['status'], BroadcastAction[]> = {
  draft: ['send-now'],
  scheduled: ['send-now', 'unschedule', 'cancel'],
  sending: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
  failed: [],
};
const ACTION_LABEL: Record<BroadcastAction, MessageKey> = {
  'send-now': 'broadcasts.action.sendNow',
  unschedule: 'broadcasts.action.unschedule',
  pause: 'broadcasts.action.pause',
  resume: 'broadcasts.action.resume',
  cancel: 'broadcasts.action.cancel',
};

/** /broadcasts/:id: live progress, rate and ETA, the actions, results and recipients. */
export function BroadcastDetailPage({ id }: { id: string }) {
  const { t, fmt } = useI18n();
  const can = usePermissions();
  const broadcast = useBroadcast(id);
  const action = useBroadcastAction(id);
  const duplicate = useDuplicateBroadcast(id);
  const duration = useDurationText();
  useBroadcastPageLive(id);

  if (broadcast.error)
    return (
      <p className="form-error page-message" role="alert">
        {broadcast.error instanceof ApiError && broadcast.error.status === 404
          ? t('app.notFound')
          : broadcast.error instanceof ApiError && broadcast.error.status === 403
            ? t('error.forbidden')
            : t('error.generic', { message: broadcast.error.message })}
      </p>
    );
  const b = broadcast.data;
  if (!b) return <p className="page-message">{t('app.loading')}</p>;
  const p = broadcastProgress(b.stats);
  const confirmCancel = (a: BroadcastAction) =>
    a !== 'cancel' || window.confirm(t('broadcasts.action.cancelConfirm'));
  const remaining = b.progress.estimatedFinishAt
    ? (new Date(b.progress.estimatedFinishAt).getTime() - Date.now()) / 1000
    : null;

  return (
    <div className="page bc-detail">
      <p>
        <Link to="/broadcasts">{t('broadcasts.backToList')}</Link>
      </p>
      <h1>{b.title}</h1>
      <p data-testid="broadcast-status">
        <span className={`bc-status bc-status-${b.status}`}>{t(STATUS_LABEL[b.status])}</span>
        {b.statusReason ? <span className="hint"> · {b.statusReason}</span> : null}
        {b.status === 'scheduled' && b.scheduledAt ? (
          <span className="hint">
            {' '}
            · {t('broadcasts.detail.startsAt', { at: fmt.dateTime(b.scheduledAt) })}
          </span>
        ) : null}
      </p>
      <section className="card" aria-labelledby="bc-progress">
        <h2 id="bc-progress">{t('broadcasts.progress')}</h2>
        <div className="bc-bar">
          <progress max={100} value={p.percent} aria-label={t('broadcasts.progressOf', { title: b.title })} />
          <strong data-testid="broadcast-percent">{fmt.number(p.percent)}%</strong>
        </div>
        <p className="hint">
          {t('broadcasts.detail.done', { done: fmt.number(p.done), total: fmt.number(p.total) })}
          {b.progress.ratePerSecond > 0
            ? ` · ${t('broadcasts.detail.rate', { rate: fmt.number(Math.round(b.progress.ratePerSecond * 10) / 10) })}`
            : null}
          {remaining !== null && b.status === 'sending'
            ? ` · ${t('broadcasts.detail.eta', { duration: duration(Math.max(0, remaining)), at: fmt.time(b.progress.estimatedFinishAt!) })}`
            : null}
        </p>
        {b.localTime ? (
          <p className="hint">{t('broadcasts.detail.localTime', { time: b.localTime })}</p>
        ) : null}
        {can('broadcasts:write') ? (
          <div className="bc-actions">
            {ACTIONS[b.status].map((a) => (
              <button
                key={a}
                type="button"
                className={a === 'send-now' || a === 'resume' ? 'button-primary' : undefined}
                disabled={action.isPending}
                onClick={() => confirmCancel(a) && action.mutate(a)}
              >
                {t(ACTION_LABEL[a])}
              </button>
            ))}
            {isEditable(b.status) ? (
              <Link to={`/broadcasts/${id}/edit`} className="bc-edit-link">
                {t('broadcasts.edit.open')}
              </Link>
            ) : null}
            <button
              type="button"
              disabled={duplicate.isPending}
              onClick={() =>
                duplicate.mutate(undefined, { onSuccess: (d) => navigate(`/broadcasts/${d.id}`) })
              }
            >
              {t('broadcasts.action.duplicate')}
            </button>
          </div>
        ) : null}
        {action.error || duplicate.error ? (
          <p className="form-error" role="alert">
            {t('error.generic', { message: (action.error ?? duplicate.error)!.message })}
          </p>
        ) : null}
      </section>
      <Results broadcast={b} />
      {can('broadcasts:write') ? <TestSend id={id} /> : null}
      <DeliveriesTable id={id} />
    </div>
  );
}
