import { useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { type BulkAction, useBulkAction } from '../api.ts';
import { bulkFilter, type ContactFilter, isFiltered, parseTags } from '../filters.ts';

const ACTIONS: { value: BulkAction; label: MessageKey }[] = [
  { value: 'addTags', label: 'contacts.bulk.addTags' },
  { value: 'removeTags', label: 'contacts.bulk.removeTags' },
  { value: 'subscribe', label: 'contacts.bulk.subscribe' },
  { value: 'unsubscribe', label: 'contacts.bulk.unsubscribe' },
  { value: 'delete', label: 'contacts.bulk.delete' },
];

/**
 * Actions on the selected contacts, or on everyone the filter matches ("select all N"). Deleting, and anything on an
 * unfiltered "everyone", asks for confirmation first: both are hard to undo.
 */
export function BulkBar({
  selected,
  allMatching,
  total,
  filter,
  onDone,
}: {
  selected: string[];
  allMatching: boolean;
  total: number | undefined;
  filter: ContactFilter;
  /** Called with how many contacts changed; the bar goes away with the selection, so the page shows the result. */
  onDone: (affected: number) => void;
}) {
  const { t, fmt } = useI18n();
  const [action, setAction] = useState<BulkAction>('addTags');
  const [tags, setTags] = useState('');
  const bulk = useBulkAction();
  const needsTags = action === 'addTags' || action === 'removeTags';
  const count = allMatching ? (total ?? 0) : selected.length;

  const run = () => {
    const tagList = parseTags(tags);
    if (needsTags && tagList.length === 0) return;
    const risky = action === 'delete' || (allMatching && !isFiltered(filter));
    if (risky && !window.confirm(t('contacts.bulk.confirm', { count: fmt.number(count) }))) return;
    bulk.mutate(
      {
        action,
        ...(allMatching ? { filter: bulkFilter(filter) } : { ids: selected }),
        ...(needsTags ? { tags: tagList } : {}),
      },
      {
        onSuccess: (r) => {
          setTags('');
          onDone(r.affected);
        },
      },
    );
  };

  return (
    <section className="bulk-bar" aria-label={t('contacts.bulk.label')}>
      <strong>{t('contacts.bulk.selected', { count: fmt.number(count) })}</strong>
      <label className="compact-field">
        <span className="visually-hidden">{t('contacts.bulk.action')}</span>
        <select value={action} onChange={(e) => setAction(e.target.value as BulkAction)}>
          {ACTIONS.map((a) => (
            <option key={a.value} value={a.value}>
              {t(a.label)}
            </option>
          ))}
        </select>
      </label>
      {needsTags ? (
        <label className="compact-field">
          <span className="visually-hidden">{t('contacts.filterTags')}</span>
          <input
            value={tags}
            placeholder={t('contacts.tagsPlaceholder')}
            onChange={(e) => setTags(e.target.value)}
          />
        </label>
      ) : null}
      <button
        type="button"
        className={action === 'delete' ? 'button-danger' : 'button-primary'}
        disabled={bulk.isPending || count === 0 || (needsTags && parseTags(tags).length === 0)}
        onClick={run}
      >
        {t('contacts.bulk.apply')}
      </button>
      {bulk.error ? (
        <span className="form-error" role="alert">
          {bulk.error instanceof ApiError
            ? t('error.generic', { message: bulk.error.details[0]?.message ?? bulk.error.message })
            : t('error.network')}
        </span>
      ) : null}
    </section>
  );
}
