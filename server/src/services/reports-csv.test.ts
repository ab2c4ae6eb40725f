import { describe, expect, it } from 'vitest';
import { reportCell, toCsv } from './reports-csv.ts';

describe('report CSV', () => {
  it('writes a header and one line per row, quoting what needs it', () => {
    const csv = toCsv({
      columns: ['day', 'channel', 'incoming'],
      rows: [
        ['2026-12-01', 'Support, main', 3],
        ['2026-12-02', 'He said "hi"', 0],
      ],
    });
    expect(csv).toBe('day,channel,incoming\n2026-12-01,"Support, main",3\n2026-12-02,"He said ""hi""",0\n');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(reportCell('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(reportCell('+1')).toBe("'+1");
    expect(reportCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(reportCell('Sale -20%')).toBe('Sale -20%');
  });

  it('writes numbers plainly and missing values as empty cells', () => {
    expect(reportCell(0.125)).toBe('0.125');
    expect(reportCell(null)).toBe('');
    expect(reportCell(undefined)).toBe('');
  });
});
