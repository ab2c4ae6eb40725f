import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import type { SegmentPreview } from '../api.ts';

/** The live count and the 20 newest matching contacts for the filter being edited. */
export function SegmentPreviewPanel(props: {
  data: SegmentPreview | undefined;
  error: Error | null;
  fetching: boolean;
}) {
  const { t, fmt } = useI18n();
  const { data, error, fetching } = props;
  const invalid = error instanceof ApiError && error.status === 400;
  return (
    <aside className="card segment-preview" aria-live="polite" aria-busy={fetching}>
      <h2>{t('segments.preview.title')}</h2>
      {invalid ? (
        <p className="form-error" data-testid="preview-invalid">
          {t('segments.preview.invalid')}
        </p>
      ) : error ? (
        <p className="form-error">{t('error.generic', { message: error.message })}</p>
      ) : null}
      {data && !invalid ? (
        <>
          <p className="segment-count">
            <span data-testid="preview-count">{fmt.number(data.count)}</span>{' '}
            {t(data.countExact ? 'segments.preview.contacts' : 'segments.preview.estimate')}
            {fetching ? <span className="hint"> · {t('segments.preview.updating')}</span> : null}
          </p>
          {data.sample.length > 0 ? (
            <table className="table segment-sample" data-testid="preview-sample">
              <caption className="hint">{t('segments.preview.sample', { n: data.sample.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('segments.preview.contact')}</th>
                  <th scope="col">{t('segments.preview.language')}</th>
                  <th scope="col">{t('segments.preview.tags')}</th>
                  <th scope="col">{t('segments.preview.lastActivity')}</th>
                </tr>
              </thead>
              <tbody>
                {data.sample.map((c) => (
                  <tr key={c.id} data-testid="preview-contact">
                    <td>
                      {c.name || c.username || t('segments.preview.noName')}
                      {c.username ? <span className="hint"> @{c.username}</span> : null}
                    </td>
                    <td>{c.language ?? '—'}</td>
                    <td>{c.tags.join(', ')}</td>
                    <td>{c.lastActivityAt ? fmt.dateTime(c.lastActivityAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="hint">{t('segments.preview.none')}</p>
          )}
        </>
      ) : !error ? (
        <p className="hint">{t('app.loading')}</p>
      ) : null}
    </aside>
  );
}
