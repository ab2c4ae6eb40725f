import { useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { type ContactDetail, type ContactRow, useUpdateContact } from '../api.ts';
import { attributeText, parseAttributeValue, parseTags } from '../filters.ts';

type Field =
  | 'name'
  | 'firstName'
  | 'lastName'
  | 'username'
  | 'phone'
  | 'email'
  | 'language'
  | 'timezone'
  | 'birthday'
  | 'externalId';

const FIELDS: { key: Field; label: MessageKey }[] = [
  { key: 'name', label: 'contacts.field.name' },
  { key: 'firstName', label: 'contacts.field.firstName' },
  { key: 'lastName', label: 'contacts.field.lastName' },
  { key: 'username', label: 'contact.username' },
  { key: 'phone', label: 'contact.phone' },
  { key: 'email', label: 'contact.email' },
  { key: 'language', label: 'contact.language' },
  { key: 'timezone', label: 'contacts.field.timezone' },
  { key: 'birthday', label: 'contacts.field.birthday' },
  { key: 'externalId', label: 'contacts.field.externalId' },
];

function fieldValues(c: ContactRow): Record<Field, string> {
  return Object.fromEntries(FIELDS.map(({ key }) => [key, c[key] ?? ''])) as Record<Field, string>;
}

function attributeRows(c: ContactRow): { key: string; value: string }[] {
  return Object.entries(c.attributes).map(([key, value]) => ({ key, value: attributeText(value) }));
}

/** What changed between the stored contact and the form, as a PATCH body (empty text clears a field). */
function changes(
  contact: ContactRow,
  values: Record<Field, string>,
  tags: string,
  attrs: { key: string; value: string }[],
  flags: { subscribed: boolean; blocked: boolean },
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const { key } of FIELDS) {
    const next = values[key].trim() || null;
    if (next !== (contact[key] ?? null)) patch[key] = next;
  }
  const nextTags = parseTags(tags);
  if (nextTags.join('|') !== contact.tags.join('|')) patch.tags = nextTags;
  const nextAttrs = Object.fromEntries(
    attrs.filter((a) => a.key.trim()).map((a) => [a.key.trim(), parseAttributeValue(a.value)]),
  );
  if (JSON.stringify(nextAttrs) !== JSON.stringify(contact.attributes)) patch.attributes = nextAttrs;
  if (flags.subscribed !== contact.subscribed) patch.subscribed = flags.subscribed;
  if (flags.blocked !== contact.blocked) patch.blocked = flags.blocked;
  return patch;
}

/** The contact's fields, tags, custom attributes and subscription, edited in place; errors shown by field. */
export function ContactForm({ contact, writable }: { contact: ContactDetail; writable: boolean }) {
  const { t } = useI18n();
  const update = useUpdateContact(contact.id);
  const [values, setValues] = useState(() => fieldValues(contact));
  const [tags, setTags] = useState(contact.tags.join(', '));
  const [attrs, setAttrs] = useState(() => attributeRows(contact));
  const [flags, setFlags] = useState({ subscribed: contact.subscribed, blocked: contact.blocked });
  // The API normalises what it stores (phone in E.164, tags lowercased): the form shows the stored values after saving.
  const reset = (c: ContactRow) => {
    setValues(fieldValues(c));
    setTags(c.tags.join(', '));
    setAttrs(attributeRows(c));
    setFlags({ subscribed: c.subscribed, blocked: c.blocked });
  };
  const [saved, setSaved] = useState(false);
  const fieldErrors = new Map<string, string>();
  if (update.error instanceof ApiError)
    for (const d of update.error.details)
      fieldErrors.set((d.path ?? '').replace(/^(body)?\//, ''), d.message);
  const patch = changes(contact, values, tags, attrs, flags);
  const dirty = Object.keys(patch).length > 0;

  return (
    <form
      className="card contact-form"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        update.mutate(patch, {
          onSuccess: (c) => {
            reset(c);
            setSaved(true);
          },
        });
      }}
    >
      <fieldset disabled={!writable} className="plain">
        <legend className="visually-hidden">{t('contacts.details')}</legend>
        <div className="field-grid">
          {FIELDS.map(({ key, label }) => (
            <div key={key}>
              <label htmlFor={`contact-${key}`}>{t(label)}</label>
              <input
                id={`contact-${key}`}
                value={values[key]}
                aria-invalid={fieldErrors.has(key) || undefined}
                aria-describedby={fieldErrors.has(key) ? `contact-${key}-error` : undefined}
                onChange={(e) => setValues({ ...values, [key]: e.target.value })}
              />
              {fieldErrors.has(key) ? (
                <p id={`contact-${key}-error`} className="form-error">
                  {fieldErrors.get(key)}
                </p>
              ) : null}
            </div>
          ))}
        </div>
        <label htmlFor="contact-tags">{t('contact.tags')}</label>
        <input
          id="contact-tags"
          value={tags}
          placeholder={t('contacts.tagsPlaceholder')}
          onChange={(e) => setTags(e.target.value)}
        />
        <div className="segmented flags">
          <label>
            <input
              type="checkbox"
              checked={flags.subscribed}
              onChange={(e) => setFlags({ ...flags, subscribed: e.target.checked })}
            />
            {t('contacts.subscribed')}
          </label>
          <label>
            <input
              type="checkbox"
              checked={flags.blocked}
              onChange={(e) => setFlags({ ...flags, blocked: e.target.checked })}
            />
            {t('contacts.blocked')}
          </label>
        </div>
        <fieldset className="plain attributes">
          <legend>{t('contacts.attributes')}</legend>
          <p className="hint">{t('contacts.attributesHelp')}</p>
          {attrs.map((a, i) => (
            // Rows have no id of their own; the position is what identifies them while editing.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <div key={i} className="attribute-row">
              <input
                aria-label={t('contacts.attributeKey')}
                value={a.key}
                onChange={(e) => setAttrs(attrs.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
              />
              <input
                aria-label={t('contacts.attributeValue')}
                value={a.value}
                onChange={(e) =>
                  setAttrs(attrs.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))
                }
              />
              <button
                type="button"
                className="button-quiet"
                aria-label={t('contacts.attributeRemove', { key: a.key })}
                onClick={() => setAttrs(attrs.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button-quiet"
            onClick={() => setAttrs([...attrs, { key: '', value: '' }])}
          >
            {t('contacts.attributeAdd')}
          </button>
        </fieldset>
      </fieldset>
      {writable ? (
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={!dirty || update.isPending}>
            {t('contacts.save')}
          </button>
          {saved && !dirty ? (
            <span className="form-ok" role="status">
              {t('contacts.saved')}
            </span>
          ) : null}
          {update.error && fieldErrors.size === 0 ? (
            <span className="form-error" role="alert">
              {update.error instanceof ApiError
                ? t('error.generic', { message: update.error.message })
                : t('error.network')}
            </span>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
