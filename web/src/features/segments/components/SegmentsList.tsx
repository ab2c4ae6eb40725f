import { useI18n } from '../../../i18n/i18n.tsx';
import { usePermissions } from '../../../lib/me.ts';
import { ListError } from '../../../lib/ProblemAlert.tsx';
import { Link, navigate } from '../../../lib/router.tsx';
import { type Segment, useSegmentCount, useSegments } from '../api.ts';
import { segmentLabel } from './segment-names.ts';

/** Built-in and saved segments with their counts; a new segment starts from here. */
export function SegmentsList() {
  const { t } = useI18n();
  const can = usePermissions();
  const list = useSegments();
  const segments = list.data?.data ?? [];
  return (
    <div className="page segments-page">
      <div className="segments-head">
        <h1>{t('segments.title')}</h1>
        {can('segments:write') ? (
          <button type="button" className="button-primary" onClick={() => navigate('/segments/new')}>
            {t('segments.new')}
          </button>
        ) : null}
      </div>
      <ListError error={list.error} />
      {list.isPending ? <p className="page-message">{t('app.loading')}</p> : null}
      {segments.length > 0 ? (
        <table className="table" data-testid="segments-table">
          <thead>
            <tr>
              <th scope="col">{t('segments.name')}</th>
              <th scope="col">{t('segments.contacts')}</th>
              <th scope="col">{t('segments.kind')}</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((s) => (
              <SegmentRow key={s.id} segment={s} />
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function SegmentRow({ segment: s }: { segment: Segment }) {
  const { t, fmt } = useI18n();
  const count = useSegmentCount(s.id);
  const label = segmentLabel(s, t);
  return (
    <tr data-testid="segment-row">
      <td>
        <Link to={`/segments/${s.id}`}>{label.name}</Link>
        {label.description ? <div className="hint">{label.description}</div> : null}
      </td>
      <td data-testid="segment-count">
        {count.isSuccess ? fmt.number(count.data.count) : count.isError ? '—' : '…'}
      </td>
      <td>{s.builtIn ? <span className="tag">{t('segments.builtIn')}</span> : t('segments.ownSegment')}</td>
    </tr>
  );
}
