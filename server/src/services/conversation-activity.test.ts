import { describe, expect, it } from 'vitest';
import { activityText } from './conversation-activity.ts';

describe('activityText', () => {
  it('writes a default line per kind in the workspace language, naming who did it', () => {
    expect(activityText({ kind: 'resolved' }, 'en', 'Anna')).toBe('Conversation resolved by Anna');
    expect(activityText({ kind: 'resolved' }, 'ru', null)).toBe('Диалог решён');
    expect(activityText({ kind: 'snoozed', data: { until: '2026-11-22T09:30:00.000Z' } }, 'en', null)).toBe(
      'Snoozed until 2026-11-22 09:30 UTC',
    );
    expect(activityText({ kind: 'labels_changed', data: { added: ['vip'], removed: [] } }, 'en', null)).toBe(
      'Labels added: vip; removed: —',
    );
  });

  it('still reads well for a kind it does not know', () => {
    expect(activityText({ kind: 'sla_breached' }, 'en', 'Bot')).toBe('Sla breached by Bot');
  });
});
