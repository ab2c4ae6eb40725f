import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { type AuditFilters, useAuditLog, useUsers } from '../api.ts';
import { type AuditFilterForm, auditQuery, EMPTY_AUDIT_FILTERS } from '../audit-filters.ts';
import type { AuditEntry } from '../types.ts';

// What the server records today; an entry of another type still shows when no type is chosen.
const ENTITY_TYPES = [
  'api_key',
  'broadcast',
  'channel',
  'contact',
  'contact_import',
  'coupon',
  'coupon_campaign',
  'job',
  'label',
  'notification_type',
  'segment',
  'setting',
  'team',
  'template',
  'user',
];

/** Who changed what, newest first, with filters and pages (keyset cursors: "previous" walks back the ones seen). */
export function AuditLogPage() {
  const { t, fmt } = useI18n();
  const users = useUsers();
  const [form, setForm] = useState<AuditFilterForm>(EMPTY_AUDIT_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>({});
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const log = useAuditLog(filters, cursor);

  const apply = (next: AuditFilterForm) => {
    setForm(next);
    setFilters(auditQuery(next));
    setCursors([null]);
  };

  return (
    <div className="page wide">
      <h1>{t('settings.audit.title')}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply(form);
        }}
      >
        <label className="compact-field">
          {t('settings.audit.actor')}
          <select value={form.actorId} onChange={(e) => apply({ ...form, actorId: e.target.value })}>
            <option value="">{t('settings.audit.anyone')}</option>
            {users.data?.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}
              </option>
            ))}
          </select>
        </label>
        <label className="compact-field">
          {t('settings.audit.entity')}
          <select value={form.entityType} onChange={(e) => apply({ ...form, entityType: e.target.value })}>
            <option value="">{t('settings.audit.anything')}</option>
            {ENTITY_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label className="compact-field">
          {t('settings.audit.action')}
          <input value={form.action} onChange={(e) => setForm({ ...form, action: e.target.value })} />
        </label>
        <label className="compact-field">
          {t('settings.audit.from')}
          <input type="date" value={form.from} onChange={(e) => apply({ ...form, from: e.target.value })} />
        </label>
        <label className="compact-field">
          {t('settings.audit.to')}
          <input type="date" value={form.to} onChange={(e) => apply({ ...form, to: e.target.value })} />
        </label>
        <button type="submit">{t('settings.audit.apply')}</button>
        <button type="button" className="button-quiet" onClick={() => apply(EMPTY_AUDIT_FILTERS)}>
          {t('settings.audit.reset')}
        </button>
      </form>
      {log.error ? (
        <p className="form-error" role="alert">
          {problemText(log.error, t)}
        </p>
      ) : null}
      {log.data?.data.length === 0 ? <p className="page-message">{t('settings.audit.empty')}</p> : null}
      <div className="table-scroll">
        <table className="table" aria-busy={log.isFetching}>
          <thead>
            <tr>
              <th>{t('settings.audit.when')}</th>
              <th>{t('settings.audit.actor')}</th>
              <th>{t('settings.audit.action')}</th>
              <th>{t('settings.audit.entity')}</th>
              <th>{t('settings.audit.change')}</th>
            </tr>
          </thead>
          <tbody>
            {log.data?.data.map((entry) => (
              <AuditRow key={entry.id} entry={entry} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('settings.audit.newer')}
        </button>
        <span className="hint">{t('settings.audit.page', { page: fmt.number(cursors.length) })}</span>
        <button
          type="button"
          disabled={!log.data?.nextCursor}
          onClick={() => log.data?.nextCursor && setCursors([...cursors, log.data.nextCursor])}
        >
          {t('settings.audit.older')}
        </button>
      </div>
    </div>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const { t, fmt } = useI18n();
  const hasChange = entry.before !== null || entry.after !== null;
  return (
    <tr>
      <td>{fmt.dateTime(entry.createdAt)}</td>
      <td>
        {entry.actorName ?? entry.actorType}
        {entry.ip ? <span className="hint"> {entry.ip}</span> : null}
      </td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>
        {entry.entityType}
        {entry.entityId ? <span className="hint"> {entry.entityId}</span> : null}
      </td>
      <td>
        {hasChange ? (
          <details>
            <summary>{t('settings.audit.show')}</summary>
            <dl className="facts">
              <dt>{t('settings.audit.before')}</dt>
              <dd>
                <pre>{JSON.stringify(entry.before, null, 2)}</pre>
              </dd>
              <dt>{t('settings.audit.after')}</dt>
              <dd>
                <pre>{JSON.stringify(entry.after, null, 2)}</pre>
              </dd>
            </dl>
          </details>
        ) : null}
      </td>
    </tr>
  );
}
