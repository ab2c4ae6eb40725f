import { describe, expect, it } from 'vitest';
import {
  attributeValue,
  detectDelimiter,
  type Header,
  mapRow,
  parseHeader,
  readHeader,
  startLine,
} from './contact-import.rows.ts';

const header = (cells: string[]): Header => {
  const { header, problems } = parseHeader(cells);
  expect(problems).toEqual([]);
  return header;
};

describe('detectDelimiter', () => {
  it('picks the semicolon when the header has more semicolons than commas', () => {
    expect(detectDelimiter('name;email;"a,b"\n1,2,3,4,5')).toBe(';');
  });
  it('defaults to the comma, ignoring delimiters inside quotes and after the first line', () => {
    expect(detectDelimiter('"x;y;z",name\n;;;;')).toBe(',');
    expect(detectDelimiter('name')).toBe(',');
  });
  it('ignores a BOM', () => {
    expect(detectDelimiter(Buffer.from('\uFEFFname;email'))).toBe(';');
  });
});

describe('readHeader', () => {
  it('returns null until the first line is complete, unless the file ends there', () => {
    expect(readHeader(Buffer.from('name,em'), false)).toBeNull();
    expect(readHeader(Buffer.from('name,email'), true)).toEqual({ delimiter: ',', cells: ['name', 'email'] });
  });
  it('reads quoted names and strips BOM and CR', () => {
    expect(readHeader(Buffer.from('\uFEFF"name";email\r\nx;y'), false)).toEqual({
      delimiter: ';',
      cells: ['name', 'email'],
    });
  });
});

describe('parseHeader', () => {
  it('accepts known columns in any case and attr.<name> columns keeping the name as written', () => {
    const { header, problems } = parseHeader([' Email ', 'attr.Plan', 'telegram_id']);
    expect(problems).toEqual([]);
    expect(header.columns).toEqual([
      { kind: 'field', column: 'email' },
      { kind: 'attribute', name: 'Plan' },
      { kind: 'field', column: 'telegram_id' },
    ]);
    expect(header.hasTelegramId).toBe(true);
  });
  it('reports every unknown, nameless and duplicate column', () => {
    const { problems } = parseHeader(['email', 'mail', '', 'EMAIL', 'attr.']);
    expect(problems.map((p) => p.message)).toEqual([
      'unknown column "mail"',
      'column 3 has no name',
      'column "EMAIL" appears twice',
      'attribute name must be 1-100 characters: "attr."',
    ]);
  });
});

describe('attributeValue', () => {
  it('types plain numbers and booleans, keeps everything else as text', () => {
    expect(attributeValue('42')).toBe(42);
    expect(attributeValue('-3.5')).toBe(-3.5);
    expect(attributeValue('TRUE')).toBe(true);
    expect(attributeValue('false')).toBe(false);
    expect(attributeValue('007')).toBe('007');
    expect(attributeValue('+7')).toBe('+7');
    expect(attributeValue('1e5')).toBe('1e5');
    expect(attributeValue('9007199254740993')).toBe('9007199254740993');
    expect(attributeValue('Москва')).toBe('Москва');
  });
});

describe('mapRow', () => {
  const h = header(['external_id', 'email', 'phone', 'tags', 'birthday', 'attr.age', 'telegram_id']);

  it('normalises fields with the API rules and types attributes', () => {
    expect(
      mapRow(['X1', 'Ann@Example.COM', '8 916 123-45-67', 'VIP|new, b', '02.03.1990', '33', '12345'], h, 7),
    ).toMatchObject({
      line: 7,
      externalId: 'X1',
      email: 'ann@example.com',
      phone: '+79161234567',
      tags: ['b', 'new', 'vip'],
      birthday: '1990-03-02',
      attributes: { age: 33 },
      telegramId: '12345',
    });
  });

  it('leaves empty cells as null so they do not overwrite', () => {
    const row = mapRow(['', 'a@b.co', '', '', '', '', ''], h, 2);
    expect(row).toMatchObject({
      externalId: null,
      phone: null,
      tags: null,
      attributes: null,
      telegramId: null,
    });
  });

  it('rejects a row with every problem named by its column', () => {
    expect(mapRow(['', 'not-mail', '12', '', '31.02.1990', '', 'abc'], h, 3)).toEqual({
      line: 3,
      reason: expect.stringMatching(/telegram_id: .*email: not an email.*phone: not a phone.*birthday: /),
    });
  });

  it('rejects wrong field counts, empty rows and over-long cells', () => {
    expect(mapRow(['a', 'b'], h, 4)).toEqual({ line: 4, reason: 'has 2 fields, the header has 7' });
    expect(mapRow(['', ' ', '', '', '', '', ''], h, 5)).toEqual({ line: 5, reason: 'the row is empty' });
    expect(mapRow(['x'.repeat(201), '', '', '', '', '', ''], h, 6)).toEqual({
      line: 6,
      reason: 'external_id: longer than 200 characters',
    });
  });
});

describe('startLine', () => {
  it('moves back over newlines quoted inside the record', () => {
    expect(startLine(5, ['a\nb\nc', 'd'])).toBe(3);
    expect(startLine(5, ['a', 'b'])).toBe(5);
  });
});
