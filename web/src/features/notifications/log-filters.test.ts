import { describe, expect, it } from 'vitest';
import {
  filtersFromSearch,
  filtersToQuery,
  filtersToSearch,
  type LogFilters,
  parseData,
} from './log-filters.ts';
import { localName } from './type-name.ts';

const none: LogFilters = { contactId: '', type: '', statuses: [], from: '', to: '' };

describe('the notification log filters', () => {
  it('ask the API for nothing when empty', () => {
    expect(filtersToQuery(none, 'UTC')).toEqual({});
    expect(filtersToSearch(none)).toBe('');
  });

  it('turn contact, type and statuses into the query as the API takes them', () => {
    expect(
      filtersToQuery(
        { ...none, contactId: 'c-1', type: 'payment_success', statuses: ['sent', 'failed'] },
        'UTC',
      ),
    ).toEqual({ contactId: 'c-1', type: 'payment_success', status: 'sent,failed' });
  });

  it('bound the period by whole days in the user zone, the last day included', () => {
    expect(filtersToQuery({ ...none, from: '2026-12-01', to: '2026-12-07' }, 'Europe/Moscow')).toEqual({
      from: '2026-11-30T21:00:00.000Z',
      to: '2026-12-07T21:00:00.000Z',
    });
  });

  it('take a month end and a year end in their stride', () => {
    expect(filtersToQuery({ ...none, to: '2026-12-31' }, 'UTC')).toEqual({ to: '2027-01-01T00:00:00.000Z' });
  });

  it('survive the address: what is written is read back, and junk is dropped', () => {
    const f: LogFilters = {
      contactId: 'c-1',
      type: 'welcome',
      statuses: ['queued', 'sent'],
      from: '2026-12-01',
      to: '',
    };
    expect(filtersFromSearch(new URLSearchParams(filtersToSearch(f)))).toEqual(f);
    expect(filtersFromSearch(new URLSearchParams('status=sent,bogus&from=yesterday'))).toEqual({
      ...none,
      statuses: ['sent'],
    });
  });
});

describe('the test form data', () => {
  it('is a JSON object or empty', () => {
    expect(parseData('')).toEqual({ data: {} });
    expect(parseData('{"orderId": "A-1"}')).toEqual({ data: { orderId: 'A-1' } });
    expect(parseData('[1]')).toEqual({ error: 'not_object' });
    expect('error' in parseData('{oops')).toBe(true);
  });
});

describe('a notification type name', () => {
  it('shows the half in the reader language when it is written "Русское / English"', () => {
    expect(localName('Оплата получена / Payment received', 'ru')).toBe('Оплата получена');
    expect(localName('Оплата получена / Payment received', 'en')).toBe('Payment received');
  });

  it('stays whole otherwise', () => {
    expect(localName('Order shipped', 'ru')).toBe('Order shipped');
    expect(localName('A / B / C', 'en')).toBe('A / B / C');
    expect(localName('Sale / ', 'en')).toBe('Sale / ');
  });
});
