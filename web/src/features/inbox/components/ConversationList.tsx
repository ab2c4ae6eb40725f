import { useEffect, useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { Link } from '../../../lib/router.tsx';
import type { ConversationStatus } from '../../../lib/types.ts';
import { type InboxConversation, type InboxFilter, useCounts, useScopeOptions } from '../api.ts';
import { previewOf } from '../preview.ts';
import { ContactName } from './ContactName.tsx';

const VIEWS: { value: InboxFilter['view']; label: MessageKey }[] = [
  { value: 'mine', label: 'inbox.view.mine' },
  { value: 'unassigned', label: 'inbox.view.unassigned' },
  { value: 'all', label: 'inbox.view.all' },
];

/** Status names, shared with the thread header. */
export const STATUS_LABELS: Record<ConversationStatus, MessageKey> = {
  open: 'status.open',
  pending: 'status.pending',
  snoozed: 'status.snoozed',
  resolved: 'status.resolved',
};

/** Re-renders every minute so waiting times stay true. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

interface Props {
  filter: InboxFilter;
  onFilter: (next: InboxFilter) => void;
  conversations: InboxConversation[];
  selectedId: string | undefined;
  loading: boolean;
  hasMore: boolean;
  onMore: () => void;
  searchRef: React.RefObject<HTMLInputElement | null>;
}

/** The first column: views with counts, a status filter, search, and the conversations. */
export function ConversationList(props: Props) {
  const { t, fmt } = useI18n();
  const counts = useCounts();
  const scopes = useScopeOptions();
  const now = useMinuteClock();
  const { filter, onFilter } = props;
  const [q, setQ] = useState(filter.q);

  return (
    <section className="inbox-list" aria-label={t('inbox.conversations')}>
      <div className="list-tools">
        <fieldset className="views">
          <legend className="visually-hidden">{t('inbox.views')}</legend>
          {VIEWS.map((v) => (
            <button
              key={v.value}
              type="button"
              aria-pressed={filter.view === v.value}
              onClick={() => onFilter({ ...filter, view: v.value })}
            >
              {t(v.label)}
              {counts.data ? <span className="count">{fmt.number(counts.data[v.value])}</span> : null}
            </button>
          ))}
        </fieldset>
        <div className="list-filters">
          <label className="compact-field">
            <span className="visually-hidden">{t('inbox.statusFilter')}</span>
            <select
              value={filter.status}
              onChange={(e) => onFilter({ ...filter, status: e.target.value as InboxFilter['status'] })}
            >
              {(Object.keys(STATUS_LABELS) as ConversationStatus[]).map((s) => (
                <option key={s} value={s}>
                  {t(STATUS_LABELS[s])}
                </option>
              ))}
            </select>
          </label>
          <label className="compact-field scope-field">
            <span className="visually-hidden">{t('inbox.scope')}</span>
            <select
              value={filter.scope ?? ''}
              onChange={(e) => onFilter({ ...filter, scope: e.target.value })}
              data-testid="inbox-scope"
            >
              <option value="">{t('inbox.scopeAll')}</option>
              {scopes.teams.length ? (
                <optgroup label={t('inbox.scopeTeams')}>
                  {scopes.teams.map((x) => (
                    <option key={x.id} value={`team:${x.id}`}>
                      {x.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {scopes.channels.length ? (
                <optgroup label={t('inbox.scopeChannels')}>
                  {scopes.channels.map((x) => (
                    <option key={x.id} value={`channel:${x.id}`}>
                      {x.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {scopes.labels.length ? (
                <optgroup label={t('inbox.scopeLabels')}>
                  {scopes.labels.map((x) => (
                    <option key={x.id} value={`label:${x.name}`}>
                      {x.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          </label>
          <search>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                onFilter({ ...filter, q });
              }}
            >
              <label htmlFor="inbox-search" className="visually-hidden">
                {t('inbox.search')}
              </label>
              <input
                id="inbox-search"
                ref={props.searchRef}
                type="search"
                placeholder={t('inbox.search')}
                value={q}
                onChange={(e) => {
                  setQ(e.target.value);
                  if (e.target.value === '') onFilter({ ...filter, q: '' });
                }}
              />
            </form>
          </search>
        </div>
      </div>
      {props.loading ? <p className="page-message">{t('app.loading')}</p> : null}
      {!props.loading && props.conversations.length === 0 ? (
        <p className="page-message">{t('inbox.empty')}</p>
      ) : null}
      <ul className="conversation-items" data-testid="conversation-list">
        {props.conversations.map((c) => {
          const preview = previewOf(c.lastMessage);
          return (
            <li key={c.id}>
              <Link
                to={`/inbox/${c.id}`}
                className={`conversation-item${c.id === props.selectedId ? ' selected' : ''}`}
                aria-current={c.id === props.selectedId ? 'page' : undefined}
              >
                <span className="item-name">
                  <ContactName conversation={c} />
                </span>
                <span className="item-time">{fmt.time(c.lastActivityAt)}</span>
                {preview ? (
                  <span className="item-preview">
                    {preview.who ? <span className="preview-who">{t(preview.who)} </span> : null}
                    {preview.deleted ? t('inbox.preview.deleted') : preview.text}
                    {preview.attachments > 0 ? (
                      <span className="preview-files">
                        {' '}
                        {t('inbox.preview.files', { count: preview.attachments })}
                      </span>
                    ) : null}
                  </span>
                ) : null}
                <span className="item-meta">
                  <span className="display-id">#{c.displayId}</span>
                  {c.waitingSince ? (
                    <span className="waiting">
                      {t('inbox.waiting', {
                        duration: fmt.duration((now - Date.parse(c.waitingSince)) / 1000),
                      })}
                    </span>
                  ) : null}
                  {c.unreadCount ? (
                    <span
                      className="badge"
                      role="img"
                      aria-label={t('inbox.unread', { count: c.unreadCount })}
                    >
                      {fmt.number(c.unreadCount)}
                    </span>
                  ) : null}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
      {props.hasMore ? (
        <button type="button" className="button-quiet more" onClick={props.onMore}>
          {t('inbox.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
