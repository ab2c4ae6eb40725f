import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { addTags, LANGUAGES, parseListInput, parseNumberInput, type ValueKind } from '../condition-kinds.ts';
import type { FilterValue } from '../filter-types.ts';
import { useBuilder } from './builder-context.ts';

/** The value input a condition's operator needs: a select, a number, a date, a range or a list. */
export function ValueInput(props: {
  kind: ValueKind;
  value: FilterValue;
  onChange: (value: FilterValue) => void;
  disabled: boolean;
  id: string;
}) {
  const { t } = useI18n();
  const { kind, value, onChange, disabled, id } = props;
  const label = t('segments.builder.value');
  switch (kind) {
    case 'boolean':
      return (
        <select
          aria-label={label}
          value={String(value === true)}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value === 'true')}
        >
          <option value="true">{t('segments.builder.yes')}</option>
          <option value="false">{t('segments.builder.no')}</option>
        </select>
      );
    case 'language':
      return (
        <LanguageSelect
          value={typeof value === 'string' ? value : ''}
          onChange={onChange}
          disabled={disabled}
        />
      );
    case 'text':
      return (
        <input
          className="filter-short"
          aria-label={label}
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'tags':
      return (
        <TagsInput
          value={Array.isArray(value) ? (value.filter((x) => typeof x === 'string') as string[]) : []}
          onChange={onChange}
          disabled={disabled}
          id={id}
        />
      );
    case 'textList':
    case 'languageList':
      return (
        <ListInput
          value={Array.isArray(value) ? (value.filter((x) => typeof x === 'string') as string[]) : []}
          onChange={onChange}
          disabled={disabled}
          placeholder={t(
            kind === 'languageList' ? 'segments.builder.languagesHint' : 'segments.builder.listHint',
          )}
          id={id}
        />
      );
    case 'number':
      return (
        <input
          type="number"
          className="filter-number"
          aria-label={label}
          value={typeof value === 'number' ? value : ''}
          disabled={disabled}
          onChange={(e) => onChange(parseNumberInput(e.target.value))}
        />
      );
    case 'numberRange': {
      const [lo, hi] =
        Array.isArray(value) && value.length === 2 ? (value as [number | null, number | null]) : [null, null];
      return (
        <span className="filter-range">
          <input
            type="number"
            className="filter-number"
            aria-label={t('segments.builder.from')}
            value={typeof lo === 'number' ? lo : ''}
            disabled={disabled}
            onChange={(e) => onChange([parseNumberInput(e.target.value), hi])}
          />
          <span aria-hidden="true">–</span>
          <input
            type="number"
            className="filter-number"
            aria-label={t('segments.builder.to')}
            value={typeof hi === 'number' ? hi : ''}
            disabled={disabled}
            onChange={(e) => onChange([lo, parseNumberInput(e.target.value)])}
          />
        </span>
      );
    }
    case 'date':
      return (
        <input
          type="date"
          className="filter-date"
          aria-label={label}
          value={typeof value === 'string' ? value.slice(0, 10) : ''}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value || null)}
        />
      );
    case 'days':
      return (
        <label className="compact-field">
          <input
            type="number"
            min={1}
            className="filter-number"
            aria-label={label}
            value={typeof value === 'number' ? value : ''}
            disabled={disabled}
            onChange={(e) => onChange(parseNumberInput(e.target.value))}
          />
          {t('segments.builder.days')}
        </label>
      );
    case 'none':
      return null;
  }
}

/** Languages by their own names in the interface language (Intl), plus the current value if it is another one. */
function LanguageSelect({
  value,
  onChange,
  disabled,
}: {
  value: string;
  onChange: (v: string) => void;
  disabled: boolean;
}) {
  const { t, locale } = useI18n();
  const names = useMemo(() => new Intl.DisplayNames([locale], { type: 'language' }), [locale]);
  const options = value && !LANGUAGES.includes(value) ? [...LANGUAGES, value] : LANGUAGES;
  return (
    <select
      aria-label={t('segments.builder.value')}
      value={value}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value)}
    >
      {options.map((code) => (
        <option key={code} value={code}>
          {`${names.of(code) ?? code} (${code})`}
        </option>
      ))}
    </select>
  );
}

/**
 * Comma-separated values. The text is kept locally while typing (so "vip, " keeps its comma) and follows the value
 * when the value changes from outside (another operator, a moved node).
 */
function ListInput(props: {
  value: string[];
  onChange: (v: string[]) => void;
  disabled: boolean;
  placeholder: string;
  id: string;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(props.value.join(', '));
  const joined = props.value.join('\u0000');
  useEffect(() => {
    setText((current) =>
      parseListInput(current).join('\u0000') === joined ? current : joined.split('\u0000').join(', '),
    );
  }, [joined]);
  return (
    <input
      className="filter-list"
      aria-label={t('segments.builder.value')}
      placeholder={props.placeholder}
      value={text}
      disabled={props.disabled}
      onChange={(e) => {
        setText(e.target.value);
        props.onChange(parseListInput(e.target.value));
      }}
    />
  );
}

/**
 * Tags as removable chips plus an input suggesting the tags in use. A tag is added by Enter, a comma, leaving the
 * field, or picking a suggestion; Backspace in the empty field takes the last one back.
 */
function TagsInput(props: {
  value: string[];
  onChange: (v: string[]) => void;
  disabled: boolean;
  id: string;
}) {
  const { t } = useI18n();
  const { tags, idPrefix } = useBuilder();
  const [text, setText] = useState('');
  const add = (raw: string) => {
    const next = addTags(props.value, raw);
    if (next !== props.value) props.onChange(next);
    setText('');
  };
  const listId = `${idPrefix}-${props.id}-tags`;
  return (
    <span className="tag-picker">
      {props.value.map((tag) => (
        <span key={tag} className="tag" data-testid="tag-chip">
          {tag}
          <button
            type="button"
            className="button-quiet tag-remove"
            aria-label={t('segments.builder.removeTag', { tag })}
            disabled={props.disabled}
            onClick={() => props.onChange(props.value.filter((x) => x !== tag))}
          >
            ×
          </button>
        </span>
      ))}
      <input
        className="filter-short"
        aria-label={t('segments.builder.value')}
        placeholder={t('segments.builder.tagsHint')}
        list={listId}
        value={text}
        disabled={props.disabled}
        onChange={(e) => {
          const v = e.target.value;
          // A pick from the suggestions arrives as a replacement, not typing: take it at once.
          const picked =
            (e.nativeEvent as InputEvent).inputType === 'insertReplacementText' ||
            !('inputType' in e.nativeEvent);
          if (v.includes(',') || (picked && tags.includes(v))) add(v);
          else setText(v);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add(text);
          } else if (e.key === 'Backspace' && text === '' && props.value.length) {
            props.onChange(props.value.slice(0, -1));
          }
        }}
        onBlur={() => {
          if (text.trim()) add(text);
        }}
      />
      <datalist id={listId}>
        {tags
          .filter((tag) => !props.value.includes(tag))
          .map((tag) => (
            <option key={tag} value={tag} />
          ))}
      </datalist>
    </span>
  );
}
