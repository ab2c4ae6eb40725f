import { describe, expect, it } from 'vitest';
import { csvFileName, reportParams, takesChannel } from './report-query.ts';

const period = { from: '2026-11-08', to: '2026-12-07' };

describe('the query of a report', () => {
  it('sends the period and the user zone, and leaves the zone out when the workspace one applies', () => {
    expect(reportParams('broadcasts', period, 'Europe/Moscow', null)).toEqual({
      from: '2026-11-08',
      to: '2026-12-07',
      timezone: 'Europe/Moscow',
    });
    expect(reportParams('broadcasts', period, null, null)).toEqual({ from: '2026-11-08', to: '2026-12-07' });
  });

  it('narrows the conversation, message and subscriber reports to the chosen channel', () => {
    for (const name of ['inbox', 'messages', 'subscribers'] as const) {
      expect(takesChannel(name)).toBe(true);
      expect(reportParams(name, period, 'UTC', 'ch-1').channel).toBe('ch-1');
    }
  });

  it('never sends the channel to reports that are not per channel', () => {
    for (const name of ['broadcasts', 'notifications', 'preferences', 'coupons'] as const) {
      expect(takesChannel(name)).toBe(false);
      expect(reportParams(name, period, 'UTC', 'ch-1')).not.toHaveProperty('channel');
    }
  });

  it('sends no channel for "all channels"', () => {
    expect(reportParams('inbox', period, 'UTC', '')).not.toHaveProperty('channel');
    expect(reportParams('inbox', period, 'UTC', null)).not.toHaveProperty('channel');
  });
});

describe('the name of an exported CSV', () => {
  it('names the report and the period', () => {
    expect(csvFileName('inbox', period)).toBe('inbox-2026-11-08-2026-12-07.csv');
  });

  it('adds the channel, made safe for a file name, where the report was narrowed', () => {
    expect(csvFileName('messages', period, 'Поддержка / Support')).toBe(
      'messages-2026-11-08-2026-12-07-Поддержка-Support.csv',
    );
    expect(csvFileName('broadcasts', period, 'Поддержка')).toBe('broadcasts-2026-11-08-2026-12-07.csv');
    expect(csvFileName('inbox', period, ' /// ')).toBe('inbox-2026-11-08-2026-12-07.csv');
  });
});
