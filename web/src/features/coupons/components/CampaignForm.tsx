import { type FormEvent, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { errorAt, type FieldErrors, fieldErrors, unplacedErrors } from '../../../lib/field-errors.ts';
import type { CampaignDraft, Validity } from '../campaign-form.ts';

const FIELDS = [
  'name',
  'discount',
  'validFrom',
  'validUntil',
  'validDays',
  'perCouponLimit',
  'perContactLimit',
  'terms',
] as const;

/** The API's field problems, with dotted paths (`discount.percent`) read like pointer ones (`discount/percent`). */
function problemsOf(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return {};
  return Object.fromEntries(Object.entries(fieldErrors(err)).map(([k, v]) => [k.replace(/\./g, '/'), v]));
}

/** A campaign's fields: name, discount (percent or amount with currency), validity, limits, terms. */
export function CampaignForm(props: {
  initial: CampaignDraft;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (draft: CampaignDraft) => void;
  readOnly?: boolean;
}) {
  const { t } = useI18n();
  const [d, setD] = useState(props.initial);
  const set = (patch: Partial<CampaignDraft>) => setD({ ...d, ...patch });
  const problems = problemsOf(props.error);
  const at = (f: string) => {
    const text = errorAt(problems, f);
    return text ? (
      <p className="form-error field-problem" data-testid="field-problem">
        {text}
      </p>
    ) : null;
  };
  const other = props.error ? unplacedErrors(problems, FIELDS) : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit(d);
  };
  const dates = d.validity === 'dates' || d.validity === 'both';
  const days = d.validity === 'days' || d.validity === 'both';

  return (
    <form className="card cp-form" onSubmit={submit} noValidate>
      <fieldset disabled={props.readOnly}>
        <label htmlFor="cp-name">{t('coupons.field.name')}</label>
        <input id="cp-name" value={d.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} />
        {at('name')}

        <fieldset>
          <legend className="cp-legend">{t('coupons.field.discount')}</legend>
          <div className="segmented">
            <label>
              <input
                type="radio"
                name="cp-discount"
                checked={d.discountKind === 'percent'}
                onChange={() => set({ discountKind: 'percent' })}
              />
              {t('coupons.discount.percent')}
            </label>
            <label>
              <input
                type="radio"
                name="cp-discount"
                checked={d.discountKind === 'amount'}
                onChange={() => set({ discountKind: 'amount' })}
              />
              {t('coupons.discount.amount')}
            </label>
          </div>
          {d.discountKind === 'percent' ? (
            <>
              <label htmlFor="cp-percent">{t('coupons.field.percent')}</label>
              <input
                id="cp-percent"
                type="number"
                min={0}
                max={100}
                inputMode="decimal"
                value={d.percent}
                onChange={(e) => set({ percent: e.target.value })}
              />
            </>
          ) : (
            <div className="cp-row">
              <div>
                <label htmlFor="cp-amount">{t('coupons.field.amount')}</label>
                <input
                  id="cp-amount"
                  type="number"
                  min={0}
                  inputMode="decimal"
                  value={d.amount}
                  onChange={(e) => set({ amount: e.target.value })}
                />
              </div>
              <div>
                <label htmlFor="cp-currency">{t('coupons.field.currency')}</label>
                <input
                  id="cp-currency"
                  maxLength={3}
                  value={d.currency}
                  onChange={(e) => set({ currency: e.target.value.toUpperCase() })}
                />
              </div>
            </div>
          )}
          {at('discount')}
        </fieldset>

        <label htmlFor="cp-validity">{t('coupons.field.validity')}</label>
        <select
          id="cp-validity"
          value={d.validity}
          onChange={(e) => set({ validity: e.target.value as Validity })}
        >
          <option value="days">{t('coupons.validityKind.days')}</option>
          <option value="dates">{t('coupons.validityKind.dates')}</option>
          <option value="both">{t('coupons.validityKind.both')}</option>
          <option value="none">{t('coupons.validityKind.none')}</option>
        </select>
        {dates ? (
          <div className="cp-row">
            <div>
              <label htmlFor="cp-from">{t('coupons.field.validFrom')}</label>
              <input
                id="cp-from"
                type="date"
                value={d.validFrom}
                onChange={(e) => set({ validFrom: e.target.value })}
              />
              {at('validFrom')}
            </div>
            <div>
              <label htmlFor="cp-until">{t('coupons.field.validUntil')}</label>
              <input
                id="cp-until"
                type="date"
                value={d.validUntil}
                onChange={(e) => set({ validUntil: e.target.value })}
              />
              {at('validUntil')}
            </div>
          </div>
        ) : null}
        {days ? (
          <>
            <label htmlFor="cp-days">{t('coupons.field.validDays')}</label>
            <input
              id="cp-days"
              type="number"
              min={1}
              value={d.validDays}
              onChange={(e) => set({ validDays: e.target.value })}
            />
            {at('validDays')}
          </>
        ) : null}
        {d.validity === 'both' ? <p className="hint">{t('coupons.hint.both')}</p> : null}

        <div className="cp-row">
          <div>
            <label htmlFor="cp-per-coupon">{t('coupons.field.perCouponLimit')}</label>
            <input
              id="cp-per-coupon"
              type="number"
              min={1}
              value={d.perCouponLimit}
              onChange={(e) => set({ perCouponLimit: e.target.value })}
            />
            {at('perCouponLimit')}
          </div>
          <div>
            <label htmlFor="cp-per-contact">{t('coupons.field.perContactLimit')}</label>
            <input
              id="cp-per-contact"
              type="number"
              min={1}
              value={d.perContactLimit}
              onChange={(e) => set({ perContactLimit: e.target.value })}
            />
            <p className="hint">{t('coupons.hint.perContact')}</p>
            {at('perContactLimit')}
          </div>
        </div>

        <label htmlFor="cp-terms">{t('coupons.field.terms')}</label>
        <textarea id="cp-terms" rows={3} value={d.terms} onChange={(e) => set({ terms: e.target.value })} />
        {at('terms')}

        <label className="compact-field cp-check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
          {t('coupons.field.enabled')}
        </label>

        {other.map((text) => (
          <p key={text} className="form-error" role="alert">
            {text}
          </p>
        ))}
        {props.readOnly ? null : (
          <button type="submit" className="button-primary" disabled={props.pending}>
            {props.submitLabel}
          </button>
        )}
      </fieldset>
    </form>
  );
}
