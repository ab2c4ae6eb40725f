import { describe, expect, it } from 'vitest';
import { contactDisplayName } from './contact-name.ts';
import {
  bulkFilter,
  EMPTY_FILTER,
  filterFromSearch,
  filterQuery,
  isFiltered,
  parseAttributeValue,
  parseTags,
} from './filters.ts';
import { countCsvRows, importActive, importPercent } from './import-progress.ts';

describe('contact filters', () => {
  const filter = {
    q: ' анна ',
    tags: ['vip', 'moscow'],
    language: 'ru',
    subscribed: 'false' as const,
    channelId: 'c1',
  };

  it('turns a filter into the list query with tags repeated and blanks left out', () => {
    expect(filterQuery(filter, { limit: 50, cursor: undefined })).toBe(
      `?q=${encodeURIComponent('анна')}&tag=vip&tag=moscow&language=ru&subscribed=false&channelId=c1&limit=50`,
    );
    expect(filterQuery(EMPTY_FILTER)).toBe('');
    expect(filterQuery({ ...EMPTY_FILTER, q: '   ' })).toBe('');
  });

  it('reads back from the URL what it wrote, and "any" for values it does not know', () => {
    const back = filterFromSearch(new URLSearchParams(filterQuery(filter)));
    expect(back).toEqual({ ...filter, q: 'анна' });
    expect(filterFromSearch(new URLSearchParams('subscribed=maybe')).subscribed).toBe('');
  });

  it('gives bulk actions the same filter in JSON types, and {} (everyone) when nothing is set', () => {
    expect(bulkFilter(filter)).toEqual({
      q: 'анна',
      tag: ['vip', 'moscow'],
      language: 'ru',
      subscribed: false,
      channelId: 'c1',
    });
    expect(bulkFilter(EMPTY_FILTER)).toEqual({});
    expect(isFiltered(EMPTY_FILTER)).toBe(false);
    expect(isFiltered({ ...EMPTY_FILTER, subscribed: 'true' })).toBe(true);
  });

  it('splits typed tags on commas, lowercased, without blanks or repeats', () => {
    expect(parseTags(' VIP, moscow,,vip , ')).toEqual(['vip', 'moscow']);
    expect(parseTags('')).toEqual([]);
  });

  it('reads attribute values the way CSV import does', () => {
    expect(parseAttributeValue('42')).toBe(42);
    expect(parseAttributeValue('-1.5')).toBe(-1.5);
    expect(parseAttributeValue('007')).toBe('007');
    expect(parseAttributeValue('+79991234567')).toBe('+79991234567');
    expect(parseAttributeValue('true')).toBe(true);
    expect(parseAttributeValue('False')).toBe('False');
    expect(parseAttributeValue('gold')).toBe('gold');
  });

  it('names a contact by name, then first and last name, then @username', () => {
    const base = { name: null, firstName: null, lastName: null, username: null };
    expect(contactDisplayName({ ...base, name: 'Анна', firstName: 'A' })).toBe('Анна');
    expect(contactDisplayName({ ...base, firstName: 'Иван', lastName: 'Петров' })).toBe('Иван Петров');
    expect(contactDisplayName({ ...base, username: 'ivan' })).toBe('@ivan');
    expect(contactDisplayName(base)).toBeNull();
  });
});

describe('CSV import state', () => {
  it('counts data rows: header excluded, CRLF, blank lines, a BOM, and line breaks inside quotes', () => {
    expect(countCsvRows('email\na@x.ru\nb@x.ru\n')).toBe(2);
    expect(countCsvRows('\ufeffname;email\r\nА;a@x.ru\r\n\r\nБ;b@x.ru')).toBe(2);
    expect(countCsvRows('name,note\n"Анна","две\nстроки"\nБорис,ок\n')).toBe(2);
    expect(countCsvRows('name\n')).toBe(0);
    expect(countCsvRows('')).toBe(0);
  });

  it('moves the bar by processed rows, holds below 100 until the server says completed, then shows 100', () => {
    const running = { status: 'running' as const, processedRows: 5_000, rejectedRows: 3 };
    expect(importPercent(running, 20_000)).toBe(25);
    // The count is an estimate: more rows than counted must not overshoot.
    expect(importPercent({ ...running, processedRows: 25_000 }, 20_000)).toBe(99);
    expect(importPercent({ ...running, status: 'completed' }, 20_000)).toBe(100);
    expect(importPercent({ ...running, status: 'completed' }, 0)).toBe(100);
    expect(importPercent(running, null)).toBe(0);
    expect(importPercent(undefined, 10)).toBe(0);
  });

  it('keeps asking while uploading, queued or running, and stops when completed or failed', () => {
    const at = (status: 'uploading' | 'queued' | 'running' | 'completed' | 'failed') => ({
      status,
      processedRows: 0,
      rejectedRows: 0,
    });
    expect(['uploading', 'queued', 'running'].map((s) => importActive(at(s as never)))).toEqual([
      true,
      true,
      true,
    ]);
    expect(importActive(at('completed'))).toBe(false);
    expect(importActive(at('failed'))).toBe(false);
    expect(importActive(undefined)).toBe(false);
  });
});
