import { useI18n } from '../../../i18n/i18n.tsx';
import { validZone } from '../../../lib/format.ts';
import { useMe } from '../../../lib/me.ts';
import { ListError } from '../../../lib/ProblemAlert.tsx';
import { Link, navigate, useSearch } from '../../../lib/router.tsx';
import { type Notification, useContactName, useNotificationLog, useNotificationTypes } from '../api.ts';
import {
  filtersFromSearch,
  filtersToQuery,
  filtersToSearch,
  type LogFilters,
  STATUSES,
} from '../log-filters.ts';
import { localName } from '../type-name.ts';
import { ContactPicker } from './ContactPicker.tsx';
import { CHANNEL_LABEL, STATUS_LABEL } from './labels.ts';

/** The log: newest first, filtered by contact, type, status and period (days in the user's time zone). */
export function LogPage() {
  const { t, locale } = useI18n();
  const me = useMe();
  const zone = validZone(me.data?.timezone)
    ? me.data!.timezone!
    : Intl.DateTimeFormat().resolvedOptions().timeZone;
  const filters = filtersFromSearch(useSearch());
  const types = useNotificationTypes();
  const log = useNotificationLog(filtersToQuery(filters, zone));
  const rows = log.data?.pages.flatMap((p) => p.data) ?? [];
  const set = (patch: Partial<LogFilters>) =>
    navigate(`/notifications${filtersToSearch({ ...filters, ...patch })}`, true);
  const toggle = (s: (typeof STATUSES)[number]) =>
    set({
      statuses: filters.statuses.includes(s)
        ? filters.statuses.filter((x) => x !== s)
        : [...filters.statuses, s],
    });

  return (
    <>
      <form
        className="card nt-filters"
        aria-label={t('notifications.log.filters')}
        onSubmit={(e) => e.preventDefault()}
      >
        <ContactPicker
          id="nt-filter-contact"
          label="notifications.log.contact"
          value={filters.contactId}
          onChange={(contactId) => set({ contactId })}
        />
        <div>
          <label htmlFor="nt-filter-type">{t('notifications.log.type')}</label>
          <select id="nt-filter-type" value={filters.type} onChange={(e) => set({ type: e.target.value })}>
            <option value="">{t('notifications.log.anyType')}</option>
            {(types.data ?? []).map((x) => (
              <option key={x.id} value={x.key}>
                {localName(x.name, locale)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="nt-filter-from">{t('notifications.log.from')}</label>
          <input
            id="nt-filter-from"
            type="date"
            value={filters.from}
            onChange={(e) => set({ from: e.target.value })}
          />
        </div>
        <div>
          <label htmlFor="nt-filter-to">{t('notifications.log.to')}</label>
          <input
            id="nt-filter-to"
            type="date"
            value={filters.to}
            onChange={(e) => set({ to: e.target.value })}
          />
        </div>
        <fieldset className="nt-statuses">
          <legend>{t('notifications.log.status')}</legend>
          {STATUSES.map((s) => (
            <label key={s} className="compact-field">
              <input type="checkbox" checked={filters.statuses.includes(s)} onChange={() => toggle(s)} />
              {t(STATUS_LABEL[s])}
            </label>
          ))}
        </fieldset>
      </form>
      <ListError error={log.error} />
      {log.isSuccess && rows.length === 0 ? (
        <p className="page-message">{t('notifications.log.empty')}</p>
      ) : null}
      {rows.length > 0 ? (
        <div className="nt-table-wrap">
          <table className="table" data-testid="notification-log">
            <thead>
              <tr>
                <th scope="col">{t('notifications.log.created')}</th>
                <th scope="col">{t('notifications.log.contact')}</th>
                <th scope="col">{t('notifications.log.type')}</th>
                <th scope="col">{t('notifications.log.channel')}</th>
                <th scope="col">{t('notifications.log.status')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((n) => (
                <LogRow
                  key={n.id}
                  n={n}
                  typeName={localName(types.data?.find((x) => x.key === n.type)?.name ?? n.type, locale)}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {log.hasNextPage ? (
        <button type="button" className="button-quiet more" onClick={() => log.fetchNextPage()}>
          {t('notifications.log.more')}
        </button>
      ) : null}
    </>
  );
}

function LogRow({ n, typeName }: { n: Notification; typeName: string }) {
  const { t, fmt } = useI18n();
  const contact = useContactName(n.contactId);
  return (
    <tr data-testid="notification-row" data-status={n.status}>
      <td>
        <Link to={`/notifications/${n.id}`}>{fmt.dateTime(n.createdAt)}</Link>
      </td>
      <td>{contact.data ?? '…'}</td>
      <td>{typeName}</td>
      <td>{n.channel ? t(CHANNEL_LABEL[n.channel] ?? 'notifications.channel.none') : '—'}</td>
      <td>
        <span className={`nt-status nt-status-${n.status}`}>{t(STATUS_LABEL[n.status])}</span>
        {n.reason ? <span className="hint"> · {n.reason}</span> : null}
      </td>
    </tr>
  );
}
