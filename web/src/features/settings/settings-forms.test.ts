import { describe, expect, it } from 'vitest';
import { auditQuery, EMPTY_AUDIT_FILTERS } from './audit-filters.ts';
import { addCategory, moveCategory, normalizeCategory } from './categories.ts';
import { workspaceChanges, workspaceFormFromSettings } from './workspace-form.ts';

const settings = {
  workspace_name: 'Switchboard',
  default_language: 'ru',
  default_timezone: 'Europe/Moscow',
  events_create_unknown_contacts: true,
  conversation_categories: ['general', 'payment'],
  notification_quiet_hours: { from: '22:00', to: '09:00' },
  coupon_code_length: 8,
};

describe('workspace settings form ↔ API values', () => {
  it('fills typed fields and keeps keys without one as JSON', () => {
    const form = workspaceFormFromSettings(settings);
    expect(form).toMatchObject({
      workspace_name: 'Switchboard',
      quietHoursOn: true,
      quietFrom: '22:00',
      quietTo: '09:00',
      other: { coupon_code_length: '8' },
    });
    expect(form.other).not.toHaveProperty('conversation_categories');
  });

  it('saves nothing when nothing changed', () => {
    expect(workspaceChanges(settings, workspaceFormFromSettings(settings))).toEqual({
      changes: [],
      invalid: [],
    });
  });

  it('sends one change per changed key, quiet hours off as null', () => {
    const form = {
      ...workspaceFormFromSettings(settings),
      workspace_name: '  Acme  ',
      quietHoursOn: false,
      other: { coupon_code_length: '10' },
    };
    expect(workspaceChanges(settings, form).changes).toEqual([
      { key: 'workspace_name', value: 'Acme' },
      { key: 'notification_quiet_hours', value: null },
      { key: 'coupon_code_length', value: 10 },
    ]);
  });

  it('reports other keys whose text is not JSON', () => {
    const form = { ...workspaceFormFromSettings(settings), other: { coupon_code_length: '{oops' } };
    expect(workspaceChanges(settings, form).invalid).toEqual(['coupon_code_length']);
  });

  it('starts quiet hours from the usual evening when none are set', () => {
    const form = workspaceFormFromSettings({ ...settings, notification_quiet_hours: null });
    expect(form).toMatchObject({ quietHoursOn: false, quietFrom: '22:00', quietTo: '09:00' });
  });
});

describe('conversation categories', () => {
  it('turns spaces into "_" and refuses what the API would', () => {
    expect(normalizeCategory('  late  delivery ')).toBe('late_delivery');
    expect(addCategory(['general'], 'Возврат')).toEqual({ list: ['general', 'Возврат'] });
    expect(addCategory(['general'], 'GENERAL')).toEqual({ problem: 'duplicate' });
    expect(addCategory(['general'], 'a/b')).toEqual({ problem: 'invalid' });
    expect(addCategory(['general'], '')).toEqual({ problem: 'invalid' });
    const full = Array.from({ length: 50 }, (_, i) => `c${i}`);
    expect(addCategory(full, 'one_more')).toEqual({ problem: 'tooMany' });
  });

  it('moves a category within the list and not past its ends', () => {
    expect(moveCategory(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveCategory(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});

describe('audit log filters', () => {
  it('sends only the filters set, a day range covering the whole last day', () => {
    const q = auditQuery({
      ...EMPTY_AUDIT_FILTERS,
      action: ' user.updated ',
      from: '2026-12-01',
      to: '2026-12-01',
    });
    expect(q.action).toBe('user.updated');
    expect(q).not.toHaveProperty('actorId');
    expect(Date.parse(q.to!) - Date.parse(q.from!)).toBe(24 * 3600 * 1000);
    expect(new Date(q.from!).getDate()).toBe(1);
  });
});
