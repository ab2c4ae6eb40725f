import { describe, expect, it } from 'vitest';
import type { Contact } from '../db/schema.ts';
import { attributeCell, contactCells, csvLine, exportColumns } from './contact-export.csv.ts';

describe('csvLine', () => {
  it('quotes only cells holding the delimiter, quotes or line breaks', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'x\ny', ''], ',')).toBe('a,"b,c","say ""hi""","x\ny",\n');
    expect(csvLine(['b,c', 'd;e'], ';')).toBe('b,c;"d;e"\n');
  });
});

describe('exportColumns', () => {
  it('lists contact columns, telegram_id only with a channel, then attr.<key>', () => {
    expect(exportColumns(['plan'], false)).not.toContain('telegram_id');
    expect(exportColumns(['plan'], true).slice(-2)).toEqual(['telegram_id', 'attr.plan']);
  });
});

describe('contactCells', () => {
  it('writes tags joined by | and attribute values the import reads back', () => {
    const c = {
      externalId: 'X',
      name: 'Ann',
      firstName: null,
      lastName: null,
      username: null,
      phone: '+79161234567',
      email: 'a@b.co',
      language: 'ru',
      timezone: null,
      birthday: '1990-01-02',
      tags: ['a', 'b'],
      attributes: { n: 4, ok: true, nested: { x: 1 } },
    } as unknown as Contact;
    expect(contactCells(c, ['n', 'ok', 'missing', 'nested'], '77', true)).toEqual([
      'X',
      'Ann',
      '',
      '',
      '',
      '+79161234567',
      'a@b.co',
      'ru',
      '',
      '1990-01-02',
      'a|b',
      '77',
      '4',
      'true',
      '',
      '{"x":1}',
    ]);
    expect(attributeCell(null)).toBe('');
  });
});
