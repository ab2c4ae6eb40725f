import { useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { Link } from '../../../lib/router.tsx';
import { type ContactImport, uploadImport, useChannelOptions, useImportErrors } from '../api.ts';
import { countCsvRows, importActive, importPercent } from '../import-progress.ts';
import { useLiveImport } from '../live-hooks.ts';

const STATUS: Record<ContactImport['status'], MessageKey> = {
  uploading: 'contacts.importStatus.uploading',
  queued: 'contacts.importStatus.queued',
  running: 'contacts.importStatus.running',
  completed: 'contacts.importStatus.completed',
  failed: 'contacts.importStatus.failed',
};

/** Upload a CSV, watch its progress, then read the rejected rows with their reasons. */
export function ImportPage() {
  const { t, fmt } = useI18n();
  const channels = useChannelOptions();
  const [file, setFile] = useState<File | null>(null);
  const [channelId, setChannelId] = useState('');
  const [importId, setImportId] = useState<string | null>(null);
  const [expected, setExpected] = useState<number | null>(null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string[] | null>(null);
  // The first answer comes from the GET; then the imports room's events move the bar (polling only while the socket is down).
  const imp = useLiveImport(importId);
  const done = imp.data !== undefined && !importActive(imp.data);
  const errors = useImportErrors(importId, done && (imp.data?.rejectedRows ?? 0) > 0);
  const percent = importPercent(imp.data, expected);

  const upload = async () => {
    if (!file) return;
    setError(null);
    setUploading(true);
    try {
      setExpected(countCsvRows(await file.text()));
      const created = await uploadImport(file, channelId);
      setImportId(created.id);
    } catch (err) {
      setError(
        err instanceof ApiError
          ? [err.message, ...err.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))]
          : [t('error.network')],
      );
    } finally {
      setUploading(false);
    }
  };

  return (
    <div className="page narrow contacts-import">
      <Link to="/contacts" className="back">
        {t('contacts.backToList')}
      </Link>
      <h1>{t('contacts.importTitle')}</h1>
      <p className="hint">{t('contacts.importHelp')}</p>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void upload();
        }}
      >
        <label htmlFor="import-file">{t('contacts.importFile')}</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setImportId(null);
          }}
        />
        <label htmlFor="import-channel">{t('contacts.importChannel')}</label>
        <select id="import-channel" value={channelId} onChange={(e) => setChannelId(e.target.value)}>
          <option value="">{t('contacts.importNoChannel')}</option>
          {(channels.data ?? [])
            .filter((c) => c.type === 'telegram')
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
        </select>
        <button
          type="submit"
          className="button-primary"
          disabled={!file || uploading || importActive(imp.data)}
        >
          {t('contacts.importStart')}
        </button>
        {error ? (
          <div className="form-error" role="alert">
            {error.map((line) => (
              <p key={line}>{line}</p>
            ))}
          </div>
        ) : null}
      </form>
      {imp.data ? (
        <section className="card" aria-labelledby="import-progress-title">
          <h2 id="import-progress-title">{t(STATUS[imp.data.status])}</h2>
          <progress
            className="import-bar"
            max={100}
            value={percent}
            aria-label={t('contacts.importProgress')}
            data-testid="import-progress"
          />{' '}
          <output className="import-percent">
            {t('contacts.percent', { percent: fmt.number(percent) })}
          </output>
          <p role="status">
            {t('contacts.importCounts', {
              processed: fmt.number(imp.data.processedRows),
              created: fmt.number(imp.data.createdRows),
              updated: fmt.number(imp.data.updatedRows),
              rejected: fmt.number(imp.data.rejectedRows),
            })}
          </p>
          {imp.data.error ? (
            <p className="form-error" role="alert">
              {imp.data.error}
            </p>
          ) : null}
          {errors.data && errors.data.data.length > 0 ? (
            <table className="table" data-testid="import-errors">
              <caption>{t('contacts.importRejected')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('contacts.importLine')}</th>
                  <th scope="col">{t('contacts.importReason')}</th>
                </tr>
              </thead>
              <tbody>
                {errors.data.data.map((row) => (
                  <tr key={row.line}>
                    <td>{fmt.number(row.line)}</td>
                    <td>{row.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {done ? (
            <Link to="/contacts" className="button-link">
              {t('contacts.backToList')}
            </Link>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
