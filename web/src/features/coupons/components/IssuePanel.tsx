import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ContactSearch, type ContactSearchTexts } from '../../../lib/ContactSearch.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { useIssueToContact, useIssueToSegment, useSegmentOptions } from '../api.ts';

const CONTACT_TEXTS: ContactSearchTexts = {
  label: 'coupons.contact.label',
  placeholder: 'coupons.contact.placeholder',
  none: 'coupons.contact.none',
  change: 'coupons.contact.change',
};

/** Issue one coupon to a contact (the code is shown at once) or one to every contact of a segment (in the background). */
export function IssuePanel({ campaignId }: { campaignId: string }) {
  const { t, fmt } = useI18n();
  const [to, setTo] = useState<'contact' | 'segment'>('contact');
  const [contactId, setContactId] = useState('');
  const [deliver, setDeliver] = useState(true);
  const [segmentId, setSegmentId] = useState('');
  const toContact = useIssueToContact(campaignId);
  const toSegment = useIssueToSegment(campaignId);
  const segments = useSegmentOptions();

  return (
    <section className="card" aria-labelledby="cp-issue-title">
      <h2 id="cp-issue-title">{t('coupons.issue.title')}</h2>
      <div className="segmented">
        <label>
          <input
            type="radio"
            name="cp-issue-to"
            checked={to === 'contact'}
            onChange={() => setTo('contact')}
          />
          {t('coupons.issue.toContact')}
        </label>
        <label>
          <input
            type="radio"
            name="cp-issue-to"
            checked={to === 'segment'}
            onChange={() => setTo('segment')}
          />
          {t('coupons.issue.toSegment')}
        </label>
      </div>
      {to === 'contact' ? (
        <>
          <ContactSearch
            id="cp-issue-contact"
            value={contactId}
            onChange={setContactId}
            texts={CONTACT_TEXTS}
          />
          <label className="compact-field cp-check">
            <input type="checkbox" checked={deliver} onChange={(e) => setDeliver(e.target.checked)} />
            {t('coupons.issue.deliver')}
          </label>
          <button
            type="button"
            className="button-primary"
            disabled={!contactId || toContact.isPending}
            onClick={() => toContact.mutate({ contactId, deliver })}
          >
            {t('coupons.issue.issue')}
          </button>
          {toContact.isError ? (
            <p className="form-error" role="alert">
              {problemText(toContact.error, t)}
            </p>
          ) : null}
          {toContact.data ? (
            <p className="form-ok" role="status">
              {t('coupons.issue.issued')}{' '}
              <strong className="cp-issued-code" data-testid="issued-code">
                {toContact.data.code}
              </strong>
            </p>
          ) : null}
        </>
      ) : (
        <>
          <label htmlFor="cp-issue-segment">{t('coupons.issue.segment')}</label>
          <select id="cp-issue-segment" value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
            <option value="">{t('coupons.choose')}</option>
            {(segments.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <p className="hint">{t('coupons.issue.segmentHint')}</p>
          <button
            type="button"
            className="button-primary"
            disabled={!segmentId || toSegment.isPending}
            onClick={() => toSegment.mutate(segmentId)}
          >
            {t('coupons.issue.issueSegment')}
          </button>
          {toSegment.isError ? (
            <p className="form-error" role="alert">
              {problemText(toSegment.error, t)}
            </p>
          ) : null}
          {toSegment.data ? (
            <p className="form-ok" role="status">
              {t('coupons.issue.segmentIssued', { n: fmt.number(toSegment.data.issued) })}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
