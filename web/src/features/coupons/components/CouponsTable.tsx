import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { Link } from '../../../lib/router.tsx';
import { COUPON_STATUSES, type CouponStatus, useCoupons } from '../api.ts';
import { DELIVERY_LABEL, SOURCE_LABEL, STATUS_LABEL } from './labels.ts';

/** The campaign's coupons, newest first, filtered by status, 25 at a time. */
export function CouponsTable({ campaignId }: { campaignId: string }) {
  const { t, fmt } = useI18n();
  const [status, setStatus] = useState<CouponStatus | ''>('');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const coupons = useCoupons(campaignId, status, cursors[cursors.length - 1] ?? null);
  return (
    <section className="card" aria-labelledby="cp-coupons-title">
      <div className="cp-head">
        <h2 id="cp-coupons-title">{t('coupons.table.title')}</h2>
        <label className="compact-field">
          {t('coupons.table.status')}
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as CouponStatus | '');
              setCursors([null]);
            }}
          >
            <option value="">{t('coupons.table.all')}</option>
            {COUPON_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(STATUS_LABEL[s]!)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {coupons.isError ? <p className="form-error">{problemText(coupons.error, t)}</p> : null}
      {coupons.data?.data.length === 0 ? <p className="hint">{t('coupons.table.empty')}</p> : null}
      {coupons.data && coupons.data.data.length > 0 ? (
        <div className="cp-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{t('coupons.table.code')}</th>
                <th>{t('coupons.table.contact')}</th>
                <th>{t('coupons.table.status')}</th>
                <th>{t('coupons.table.uses')}</th>
                <th>{t('coupons.table.validUntil')}</th>
                <th>{t('coupons.table.source')}</th>
                <th>{t('coupons.table.delivery')}</th>
                <th>{t('coupons.table.issuedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {coupons.data.data.map((c) => (
                <tr key={c.id} data-testid="coupon-row">
                  <td className="cp-mono">{c.code}</td>
                  <td>
                    <Link to={`/contacts/${c.contactId}`}>{t('coupons.table.openContact')}</Link>
                  </td>
                  <td>
                    <span className={`cp-status cp-status-${c.status}`}>
                      {c.status in STATUS_LABEL ? t(STATUS_LABEL[c.status]!) : c.status}
                    </span>
                  </td>
                  <td>{fmt.number(c.uses)}</td>
                  <td>{c.validUntil ? fmt.dateTime(c.validUntil) : '—'}</td>
                  <td>{c.source in SOURCE_LABEL ? t(SOURCE_LABEL[c.source]!) : c.source}</td>
                  <td title={c.delivery.error ?? undefined}>
                    {c.delivery.status in DELIVERY_LABEL
                      ? t(DELIVERY_LABEL[c.delivery.status]!)
                      : c.delivery.status}
                  </td>
                  <td>{fmt.dateTime(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="cp-pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('coupons.table.newer')}
        </button>
        <button
          type="button"
          disabled={!coupons.data?.nextCursor}
          onClick={() => coupons.data?.nextCursor && setCursors([...cursors, coupons.data.nextCursor])}
        >
          {t('coupons.table.older')}
        </button>
      </div>
    </section>
  );
}
