import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { usePermissions } from '../../../lib/me.ts';
import { ListError } from '../../../lib/ProblemAlert.tsx';
import { Link, navigate, useSearch } from '../../../lib/router.tsx';
import { downloadExport, useChannelOptions, useContactList } from '../api.ts';
import { contactDisplayName } from '../contact-name.ts';
import { type ContactFilter, filterFromSearch, filterQuery } from '../filters.ts';
import { useLiveContactTable } from '../live-hooks.ts';
import { BulkBar } from './BulkBar.tsx';
import { ContactFilters } from './ContactFilters.tsx';

/** The contacts table: search and filters (kept in the URL), paging, selection with bulk actions, import and export. */
export function ContactsPage() {
  const { t, fmt } = useI18n();
  const can = usePermissions();
  const search = useSearch();
  const filter = filterFromSearch(search);
  const list = useContactList(filter);
  useLiveContactTable();
  const channels = useChannelOptions();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [excel, setExcel] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const [bulkDone, setBulkDone] = useState<number | null>(null);
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const total = list.data?.pages[0]?.total;
  const writable = can('contacts:write');
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));

  const setFilter = (next: ContactFilter) => {
    setSelected(new Set());
    setAllMatching(false);
    navigate(`/contacts${filterQuery(next)}`, true);
  };
  const toggle = (id: string) => {
    setAllMatching(false);
    setBulkDone(null);
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };

  return (
    <div className="page contacts-page">
      <header className="contacts-head">
        <h1>{t('contacts.title')}</h1>
        <div className="contacts-tools">
          {writable ? (
            <Link to="/contacts/import" className="button-link">
              {t('contacts.import')}
            </Link>
          ) : null}
          <label className="compact-field">
            <input type="checkbox" checked={excel} onChange={(e) => setExcel(e.target.checked)} />
            <span>{t('contacts.exportExcel')}</span>
          </label>
          <button
            type="button"
            onClick={() => {
              setExportError(null);
              downloadExport(filter, excel).catch((err: Error) =>
                setExportError(t('error.generic', { message: err.message })),
              );
            }}
          >
            {t('contacts.export')}
          </button>
        </div>
      </header>
      {exportError ? (
        <p className="form-error" role="alert">
          {exportError}
        </p>
      ) : null}
      <ContactFilters
        key={search.toString()}
        filter={filter}
        channels={channels.data ?? []}
        onChange={setFilter}
      />
      {total !== undefined ? (
        <p className="hint" role="status">
          {t('contacts.total', { count: fmt.number(total) })}
        </p>
      ) : null}
      {bulkDone !== null ? (
        <p className="form-ok" role="status">
          {t('contacts.bulk.done', { count: fmt.number(bulkDone) })}
        </p>
      ) : null}
      {writable && (selected.size > 0 || allMatching) ? (
        <BulkBar
          selected={[...selected]}
          allMatching={allMatching}
          total={total}
          filter={filter}
          onDone={(affected) => {
            setSelected(new Set());
            setAllMatching(false);
            setBulkDone(affected);
          }}
        />
      ) : null}
      {writable && allOnPage && !allMatching && total !== undefined && total > rows.length ? (
        <p>
          <button type="button" className="button-quiet" onClick={() => setAllMatching(true)}>
            {t('contacts.selectAllMatching', { count: fmt.number(total) })}
          </button>
        </p>
      ) : null}
      <ListError error={list.error} />
      {list.isPending ? <p className="page-message">{t('app.loading')}</p> : null}
      {list.isSuccess && rows.length === 0 ? <p className="page-message">{t('contacts.empty')}</p> : null}
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table className="table contacts-table" data-testid="contacts-table">
            <thead>
              <tr>
                {writable ? (
                  <th scope="col" className="select-cell">
                    <input
                      type="checkbox"
                      aria-label={t('contacts.selectPage')}
                      checked={allOnPage}
                      onChange={() => {
                        setAllMatching(false);
                        setSelected(allOnPage ? new Set() : new Set(rows.map((r) => r.id)));
                      }}
                    />
                  </th>
                ) : null}
                <th scope="col">{t('contacts.name')}</th>
                <th scope="col">{t('contacts.reach')}</th>
                <th scope="col">{t('contact.tags')}</th>
                <th scope="col">{t('contact.language')}</th>
                <th scope="col">{t('contacts.subscribed')}</th>
                <th scope="col">{t('contacts.lastActivity')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} aria-selected={selected.has(c.id) || allMatching}>
                  {writable ? (
                    <td className="select-cell">
                      <input
                        type="checkbox"
                        aria-label={t('contacts.select', { name: contactDisplayName(c) ?? c.id })}
                        checked={allMatching || selected.has(c.id)}
                        onChange={() => toggle(c.id)}
                      />
                    </td>
                  ) : null}
                  <td>
                    <Link to={`/contacts/${c.id}`}>{contactDisplayName(c) ?? t('contacts.noName')}</Link>
                    {c.blocked ? <span className="tag tag-warn">{t('contacts.blocked')}</span> : null}
                  </td>
                  <td className="reach">
                    {[c.username ? `@${c.username}` : null, c.phone, c.email].filter(Boolean).join(' · ')}
                  </td>
                  <td>
                    <span className="tags">
                      {c.tags.map((tag) => (
                        <span key={tag} className="tag">
                          {tag}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td>{c.language ?? ''}</td>
                  <td>{c.subscribed ? t('contacts.subscribedYes') : t('contacts.subscribedNo')}</td>
                  <td>
                    {c.lastActivityAt ? (
                      <time dateTime={c.lastActivityAt}>{fmt.dateTime(c.lastActivityAt)}</time>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.hasNextPage ? (
        <button
          type="button"
          className="button-quiet more"
          disabled={list.isFetchingNextPage}
          onClick={() => list.fetchNextPage()}
        >
          {t('contacts.loadMore')}
        </button>
      ) : null}
    </div>
  );
}
