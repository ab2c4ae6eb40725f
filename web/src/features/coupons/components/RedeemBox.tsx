import { type FormEvent, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { useRedeemCode, useValidateCode } from '../api.ts';
import { discountText, normalizeCode } from '../campaign-form.ts';
import { refusalKey } from './labels.ts';

const LOCATION_KEY = 'switchboard.coupons.location';

/**
 * The cashier's box, sized for a phone: type the code, check it (discount, whose it is, until when), then redeem it with
 * the purchase amount and the till's location (remembered on this device). Each refusal says exactly why.
 */
export function RedeemBox() {
  const { t, locale, fmt } = useI18n();
  const can = usePermissions();
  const validate = useValidateCode();
  const redeem = useRedeemCode();
  const [code, setCode] = useState('');
  const [amount, setAmount] = useState('');
  const [location, setLocation] = useState(() => localStorage.getItem(LOCATION_KEY) ?? '');

  const refusal = (err: unknown) => {
    const key = err instanceof ApiError ? refusalKey(err.code) : null;
    return key ? t(key) : problemText(err, t);
  };
  const check = (e: FormEvent) => {
    e.preventDefault();
    redeem.reset();
    if (code.trim()) validate.mutate(normalizeCode(code));
  };
  const doRedeem = () => {
    localStorage.setItem(LOCATION_KEY, location.trim());
    const n = Number(amount.replace(',', '.'));
    redeem.mutate(
      {
        code: normalizeCode(code),
        ...(amount.trim() && Number.isFinite(n) ? { amount: n } : {}),
        ...(location.trim() ? { location: location.trim() } : {}),
      },
      // Either way the check above is stale: the box shows the outcome alone.
      { onSettled: () => validate.reset() },
    );
  };
  const v = validate.data;

  return (
    <section className="card cp-redeem" aria-labelledby="cp-redeem-title">
      <h2 id="cp-redeem-title">{t('coupons.redeem.title')}</h2>
      <form onSubmit={check} className="cp-code-row">
        <label htmlFor="cp-code" className="visually-hidden">
          {t('coupons.redeem.code')}
        </label>
        <input
          id="cp-code"
          className="cp-code"
          value={code}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          enterKeyHint="go"
          placeholder={t('coupons.redeem.placeholder')}
          onChange={(e) => {
            setCode(e.target.value);
            validate.reset();
          }}
        />
        <button type="submit" className="cp-big" disabled={validate.isPending || !code.trim()}>
          {t('coupons.redeem.check')}
        </button>
      </form>

      {validate.isError ? (
        <p className="cp-verdict cp-bad" role="alert" data-testid="redeem-result">
          {refusal(validate.error)}
        </p>
      ) : null}
      {v ? (
        <div
          className={`cp-verdict ${v.valid ? 'cp-good' : 'cp-bad'}`}
          data-testid="redeem-result"
          role="status"
        >
          <p className="cp-verdict-head">
            {v.valid
              ? t('coupons.redeem.valid', { discount: discountText(v.campaign.discount, locale) })
              : refusalKey(v.reason)
                ? t(refusalKey(v.reason)!)
                : v.reason}
          </p>
          <p>
            {v.campaign.name}
            {v.contactName ? ` · ${v.contactName}` : ''}
            {v.coupon.validUntil
              ? ` · ${t('coupons.redeem.until', { at: fmt.dateTime(v.coupon.validUntil) })}`
              : ''}
          </p>
          {v.campaign.terms ? <p className="hint cp-terms">{v.campaign.terms}</p> : null}
        </div>
      ) : null}

      {v?.valid && can('coupons:write') ? (
        <div className="cp-redeem-more">
          <div className="cp-row">
            <div>
              <label htmlFor="cp-amount-paid">{t('coupons.redeem.amount')}</label>
              <input
                id="cp-amount-paid"
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
              />
            </div>
            <div>
              <label htmlFor="cp-location">{t('coupons.redeem.location')}</label>
              <input id="cp-location" value={location} onChange={(e) => setLocation(e.target.value)} />
            </div>
          </div>
          <button
            type="button"
            className="button-primary cp-big"
            disabled={redeem.isPending}
            onClick={doRedeem}
          >
            {t('coupons.redeem.redeem')}
          </button>
        </div>
      ) : null}

      {redeem.isError ? (
        <p className="cp-verdict cp-bad" role="alert" data-testid="redeem-result">
          {refusal(redeem.error)}
        </p>
      ) : null}
      {redeem.data ? (
        <p className="cp-verdict cp-good" role="status" data-testid="redeem-result">
          {t('coupons.redeem.done', {
            code: redeem.data.coupon.code,
            at: fmt.time(redeem.data.redemption.redeemedAt),
          })}
        </p>
      ) : null}
    </section>
  );
}
