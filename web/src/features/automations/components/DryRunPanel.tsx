import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ContactSearch, type ContactSearchTexts } from '../../../lib/ContactSearch.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import type { ActionType } from '../action-form.ts';
import { useDryRun } from '../api.ts';
import type { RuleDraft } from '../rule-form.ts';
import { factsOf } from '../run-view.ts';
import { ACTION_LABEL } from './labels.ts';

const CONTACT_TEXTS: ContactSearchTexts = {
  label: 'automations.contact.label',
  placeholder: 'automations.contact.placeholder',
  none: 'automations.contact.none',
  change: 'automations.contact.change',
};

/**
 * The dry run of the saved rule for one contact: whether the conditions hold and what each step would do (rendered text,
 * when a wait would end, the tags as stored). Nothing is sent or written. Event rules may give sample event properties.
 */
export function DryRunPanel({ id, draft }: { id: string; draft: RuleDraft }) {
  const { t } = useI18n();
  const dry = useDryRun(id);
  const [contactId, setContactId] = useState('');
  const [properties, setProperties] = useState('');
  const [badJson, setBadJson] = useState(false);
  const [conversationId, setConversationId] = useState('');

  const run = () => {
    let parsed: Record<string, unknown> | undefined;
    if (properties.trim()) {
      try {
        parsed = JSON.parse(properties) as Record<string, unknown>;
        setBadJson(false);
      } catch {
        setBadJson(true);
        return;
      }
    }
    dry.mutate({
      contactId,
      ...(parsed ? { event: { properties: parsed } } : {}),
      ...(conversationId.trim() ? { conversationId: conversationId.trim() } : {}),
    });
  };

  return (
    <section className="card au-dry" aria-labelledby="au-dry-title">
      <h2 id="au-dry-title">{t('automations.dry.title')}</h2>
      <p className="hint">{t('automations.dry.hint')}</p>
      <ContactSearch id="au-dry-contact" value={contactId} onChange={setContactId} texts={CONTACT_TEXTS} />
      {draft.trigger.kind === 'event' ? (
        <>
          <label htmlFor="au-dry-props">{t('automations.dry.properties')}</label>
          <textarea
            id="au-dry-props"
            rows={2}
            className="au-mono"
            value={properties}
            placeholder={t('automations.dry.propertiesPlaceholder')}
            onChange={(e) => setProperties(e.target.value)}
          />
          {badJson ? <p className="form-error">{t('automations.dry.badJson')}</p> : null}
        </>
      ) : null}
      {draft.trigger.kind === 'conversation' ? (
        <>
          <label htmlFor="au-dry-conversation">{t('automations.dry.conversation')}</label>
          <input
            id="au-dry-conversation"
            className="au-mono"
            value={conversationId}
            onChange={(e) => setConversationId(e.target.value)}
          />
          <p className="hint">{t('automations.dry.conversationHint')}</p>
        </>
      ) : null}
      <button type="button" className="button-primary" disabled={!contactId || dry.isPending} onClick={run}>
        {t('automations.dry.run')}
      </button>
      {dry.isError ? (
        <p className="form-error" role="alert">
          {problemText(dry.error, t)}
        </p>
      ) : null}
      {dry.data ? (
        <div data-testid="dry-run-result" aria-live="polite">
          <p
            className={dry.data.conditions.passed ? 'form-ok' : 'form-error'}
            data-testid="dry-run-conditions"
          >
            {dry.data.conditions.passed ? t('automations.dry.passed') : t('automations.dry.notPassed')}
          </p>
          {dry.data.conditions.passed ? null : <Facts detail={dry.data.conditions.detail} />}
          <ol className="au-dry-steps">
            {dry.data.steps.map((s) => (
              <li key={s.step} data-testid="dry-run-step">
                <strong>{s.type in ACTION_LABEL ? t(ACTION_LABEL[s.type as ActionType]) : s.type}</strong>
                <span className="au-summary">{s.summary}</span>
                <Facts detail={s.detail} />
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}

/** A step's structured facts as name → value; customer text stays text (React escapes it). */
function Facts({ detail }: { detail: unknown }) {
  const facts = factsOf(detail);
  if (facts.length === 0) return null;
  return (
    <dl className="facts au-facts">
      {facts.map(([k, v]) => (
        <div key={k} className="au-fact">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
