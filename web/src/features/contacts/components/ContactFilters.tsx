import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { ChannelOption } from '../api.ts';
import { type ContactFilter, EMPTY_FILTER, parseTags } from '../filters.ts';

/** Search and filters above the table; text fields apply on Enter, selects at once. */
export function ContactFilters({
  filter,
  channels,
  onChange,
}: {
  filter: ContactFilter;
  channels: ChannelOption[];
  onChange: (next: ContactFilter) => void;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState(filter.q);
  const [tags, setTags] = useState(filter.tags.join(', '));
  const [language, setLanguage] = useState(filter.language);
  const apply = () => onChange({ ...filter, q, tags: parseTags(tags), language: language.trim() });

  return (
    <search>
      <form
        className="contact-filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label className="filter-wide">
          <span>{t('contacts.search')}</span>
          <input
            type="search"
            name="q"
            value={q}
            placeholder={t('contacts.searchPlaceholder')}
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        <label>
          <span>{t('contacts.filterTags')}</span>
          <input
            name="tags"
            value={tags}
            placeholder={t('contacts.tagsPlaceholder')}
            onChange={(e) => setTags(e.target.value)}
          />
        </label>
        <label>
          <span>{t('contacts.filterLanguage')}</span>
          <input
            name="language"
            value={language}
            placeholder={t('contacts.languagePlaceholder')}
            onChange={(e) => setLanguage(e.target.value)}
            size={6}
          />
        </label>
        <label>
          <span>{t('contacts.filterSubscribed')}</span>
          <select
            value={filter.subscribed}
            onChange={(e) =>
              onChange({ ...filter, subscribed: e.target.value as ContactFilter['subscribed'] })
            }
          >
            <option value="">{t('contacts.any')}</option>
            <option value="true">{t('contacts.subscribedYes')}</option>
            <option value="false">{t('contacts.subscribedNo')}</option>
          </select>
        </label>
        <label>
          <span>{t('contacts.filterChannel')}</span>
          <select
            value={filter.channelId}
            onChange={(e) => onChange({ ...filter, channelId: e.target.value })}
          >
            <option value="">{t('contacts.any')}</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <div className="filter-buttons">
          <button type="submit" className="button-primary">
            {t('contacts.apply')}
          </button>
          <button
            type="button"
            className="button-quiet"
            onClick={() => {
              setQ('');
              setTags('');
              setLanguage('');
              onChange(EMPTY_FILTER);
            }}
          >
            {t('contacts.reset')}
          </button>
        </div>
      </form>
    </search>
  );
}
