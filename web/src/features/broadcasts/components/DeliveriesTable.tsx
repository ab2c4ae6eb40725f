import { useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { fetchBlob } from '../../../lib/api.ts';
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  deliveriesCsvUrl,
  toggleStatus,
} from '../deliveries-logic.ts';
import { useDeliveries } from '../detail-api.ts';

export const DELIVERY_LABEL: Record<DeliveryStatus, MessageKey> = {
  pending: 'broadcasts.outcome.pending',
  sending: 'broadcasts.outcome.sending',
  sent: 'broadcasts.outcome.sent',
  failed: 'broadcasts.outcome.failed',
  blocked: 'broadcasts.outcome.blocked',
  skipped: 'broadcasts.outcome.skipped',
  unknown: 'broadcasts.outcome.unknown',
  cancelled: 'broadcasts.outcome.cancelled',
};

/** Recipients with their outcome, filtered by status, 50 at a time, and the CSV export of all of them. */
export function DeliveriesTable({ id }: { id: string }) {
  const { t, fmt, locale } = useI18n();
  const [statuses, setStatuses] = useState<DeliveryStatus[]>([]);
  const deliveries = useDeliveries(id, statuses);
  const [exportError, setExportError] = useState<string | null>(null);
  const rows = deliveries.data?.pages.flatMap((p) => p.data) ?? [];

  const exportCsv = async () => {
    setExportError(null);
    try {
      // The file needs the bearer token, so it is fetched and handed to the browser as a blob rather than linked.
      const blob = await fetchBlob(deliveriesCsvUrl(id, locale));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `broadcast-${id}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setExportError((e as Error).message);
    }
  };

  return (
    <section className="card" aria-labelledby="bc-recipients">
      <div className="bc-section-head">
        <h2 id="bc-recipients">{t('broadcasts.recipients.title')}</h2>
        <button type="button" onClick={() => void exportCsv()}>
          {t('broadcasts.recipients.export')}
        </button>
      </div>
      {exportError ? (
        <p className="form-error" role="alert">
          {t('error.generic', { message: exportError })}
        </p>
      ) : null}
      <fieldset className="bc-filter">
        <legend>{t('broadcasts.recipients.filter')}</legend>
        {DELIVERY_STATUSES.map((s) => (
          <label key={s} className="compact-field">
            <input
              type="checkbox"
              checked={statuses.includes(s)}
              onChange={() => setStatuses((cur) => toggleStatus(cur, s))}
            />
            {t(DELIVERY_LABEL[s])}
          </label>
        ))}
      </fieldset>
      {deliveries.isSuccess && rows.length === 0 ? (
        <p className="page-message">{t('broadcasts.recipients.none')}</p>
      ) : null}
      {rows.length > 0 ? (
        <div className="bc-table-wrap">
          <table className="table" data-testid="deliveries">
            <thead>
              <tr>
                <th scope="col">{t('broadcasts.recipients.contact')}</th>
                <th scope="col">{t('broadcasts.statusColumn')}</th>
                <th scope="col">{t('broadcasts.recipients.reason')}</th>
                <th scope="col">{t('broadcasts.recipients.attempts')}</th>
                <th scope="col">{t('broadcasts.recipients.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                  <td>
                    {d.contactName ?? t('broadcasts.recipients.noName')}
                    {d.username ? <span className="hint"> @{d.username}</span> : null}
                  </td>
                  <td>
                    {DELIVERY_LABEL[d.status as DeliveryStatus]
                      ? t(DELIVERY_LABEL[d.status as DeliveryStatus])
                      : d.status}
                  </td>
                  <td className="bc-reason">{d.reason ?? ''}</td>
                  <td className="num">{fmt.number(d.attempts)}</td>
                  <td>
                    <time dateTime={d.sentAt ?? d.updatedAt}>{fmt.dateTime(d.sentAt ?? d.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {deliveries.hasNextPage ? (
        <button type="button" className="button-quiet more" onClick={() => deliveries.fetchNextPage()}>
          {t('broadcasts.recipients.more')}
        </button>
      ) : null}
    </section>
  );
}
