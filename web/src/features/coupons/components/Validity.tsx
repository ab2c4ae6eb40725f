import { useI18n } from '../../../i18n/i18n.tsx';
import type { CampaignJson } from '../campaign-form.ts';

/** "30 days from issue", "1 Jan – 31 Mar", both, or "no end". */
export function Validity({ campaign: c }: { campaign: CampaignJson }) {
  const { t, fmt } = useI18n();
  const parts: string[] = [];
  if (c.validFrom || c.validUntil)
    parts.push(
      t('coupons.validity.dates', {
        from: c.validFrom ? fmt.dateTime(c.validFrom) : '…',
        until: c.validUntil ? fmt.dateTime(c.validUntil) : '…',
      }),
    );
  if (c.validDays !== null) parts.push(t('coupons.validity.days', { n: c.validDays }));
  return <>{parts.length ? parts.join('; ') : t('coupons.validity.none')}</>;
}
