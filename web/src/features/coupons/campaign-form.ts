/**
 * The coupon campaign form and its conversion to and from the API (`POST/PATCH /api/v1/coupon-campaigns`). Dates are
 * picked as calendar days in the user's time zone: valid from the start of the first day to the end of the last one.
 */

export interface CampaignJson {
  name: string;
  discount: { percent: number } | { amount: number; currency: string };
  validFrom: string | null;
  validUntil: string | null;
  validDays: number | null;
  perCouponLimit: number;
  perContactLimit: number | null;
  terms: string | null;
  enabled: boolean;
}

export type Validity = 'none' | 'dates' | 'days' | 'both';

export interface CampaignDraft {
  name: string;
  discountKind: 'percent' | 'amount';
  percent: string;
  amount: string;
  currency: string;
  validity: Validity;
  /** YYYY-MM-DD in the user's time zone. */
  validFrom: string;
  validUntil: string;
  validDays: string;
  perCouponLimit: string;
  perContactLimit: string;
  terms: string;
  enabled: boolean;
}

export function emptyCampaign(): CampaignDraft {
  return {
    name: '',
    discountKind: 'percent',
    percent: '10',
    amount: '',
    currency: 'RUB',
    validity: 'days',
    validFrom: '',
    validUntil: '',
    validDays: '30',
    perCouponLimit: '1',
    perContactLimit: '1',
    terms: '',
    enabled: true,
  };
}

/** A typed number, or the text itself (the API then names the field). */
function num(text: string): number {
  const t = text.trim().replace(',', '.');
  const n = Number(t);
  return (t === '' || !Number.isFinite(n) ? t : n) as number;
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    +parts.year!,
    +parts.month! - 1,
    +parts.day!,
    +parts.hour!,
    +parts.minute!,
    +parts.second!,
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock time (`YYYY-MM-DD`, `HH:MM:SS.mmm`) happens in a zone, measured at that moment (DST-safe). */
export function zonedToIso(day: string, time: string, zone: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm, rest] = time.split(':');
  const [ss, ms] = (rest ?? '0').split('.');
  const wall = Date.UTC(y!, m! - 1, d!, Number(hh), Number(mm), Number(ss), Number(ms ?? 0));
  let instant = wall - offsetAt(wall, zone);
  instant = wall - offsetAt(instant, zone);
  return new Date(instant).toISOString();
}

/** The calendar day (YYYY-MM-DD) an instant falls on in a zone. */
export function dayInZone(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

export function campaignToApi(d: CampaignDraft, zone: string): CampaignJson {
  const dates = d.validity === 'dates' || d.validity === 'both';
  const days = d.validity === 'days' || d.validity === 'both';
  return {
    name: d.name.trim(),
    discount:
      d.discountKind === 'percent'
        ? { percent: num(d.percent) }
        : { amount: num(d.amount), currency: d.currency.trim().toUpperCase() },
    validFrom: dates && d.validFrom ? zonedToIso(d.validFrom, '00:00:00.000', zone) : null,
    validUntil: dates && d.validUntil ? zonedToIso(d.validUntil, '23:59:59.999', zone) : null,
    validDays: days ? num(d.validDays) : null,
    perCouponLimit: num(d.perCouponLimit),
    perContactLimit: d.perContactLimit.trim() ? num(d.perContactLimit) : null,
    terms: d.terms.trim() || null,
    enabled: d.enabled,
  };
}

export function campaignFromApi(c: CampaignJson, zone: string): CampaignDraft {
  const hasDates = Boolean(c.validFrom || c.validUntil);
  const hasDays = c.validDays !== null;
  return {
    name: c.name,
    discountKind: 'percent' in c.discount ? 'percent' : 'amount',
    percent: 'percent' in c.discount ? String(c.discount.percent) : '10',
    amount: 'amount' in c.discount ? String(c.discount.amount) : '',
    currency: 'currency' in c.discount ? c.discount.currency : 'RUB',
    validity: hasDates && hasDays ? 'both' : hasDates ? 'dates' : hasDays ? 'days' : 'none',
    validFrom: c.validFrom ? dayInZone(c.validFrom, zone) : '',
    validUntil: c.validUntil ? dayInZone(c.validUntil, zone) : '',
    validDays: hasDays ? String(c.validDays) : '30',
    perCouponLimit: String(c.perCouponLimit),
    perContactLimit: c.perContactLimit === null ? '' : String(c.perContactLimit),
    terms: c.terms ?? '',
    enabled: c.enabled,
  };
}

/** "10 %" or "500 ₽" in the current language. */
export function discountText(discount: CampaignJson['discount'], locale: string): string {
  if ('percent' in discount)
    return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(
      discount.percent / 100,
    );
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: discount.currency,
      minimumFractionDigits: Number.isInteger(discount.amount) ? 0 : 2,
    }).format(discount.amount);
  } catch {
    return `${discount.amount} ${discount.currency}`;
  }
}

/** The day chart's bars: each day's share of the tallest (0..1), so the SVG needs no scale of its own. */
export function dayBars(days: ReadonlyArray<{ day: string; issued: number; redemptions: number }>) {
  const top = Math.max(1, ...days.map((d) => Math.max(d.issued, d.redemptions)));
  return {
    top,
    bars: days.map((d) => ({ ...d, issuedShare: d.issued / top, redeemedShare: d.redemptions / top })),
  };
}

/** A typed code as the API prints it: upper case, spaces dropped (the API ignores case, spaces and the dash anyway). */
export function normalizeCode(text: string): string {
  return text.toUpperCase().replace(/\s+/g, '');
}
