import { describe, expect, it } from 'vitest';
import { validateHtml } from '../channels/telegram/telegram.html.ts';
import { parseMenuTap, renderMenu } from './preference-commands.menu.ts';
import { type PreferenceType, stateOf } from './preferences.view.ts';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const TYPES: PreferenceType[] = [
  {
    id: id(1),
    key: 'new_lesson',
    name: 'Новый урок / New lesson',
    names: { ru: 'Новый урок', en: 'New lesson' },
    category: 'transactional',
    critical: false,
    channels: ['telegram'],
    enabled: true,
  },
  {
    id: id(2),
    key: 'payment_failed',
    name: 'x',
    names: {},
    category: 'transactional',
    critical: true,
    channels: ['telegram'],
    enabled: true,
  },
  {
    id: id(3),
    key: 'promo',
    name: 'Promo',
    names: {},
    category: 'marketing',
    critical: false,
    channels: ['telegram'],
    enabled: true,
  },
  {
    id: id(4),
    key: 'off_by_business',
    name: 'Off',
    names: {},
    category: 'transactional',
    critical: false,
    channels: ['telegram'],
    enabled: false,
  },
];

const labels = (menu: ReturnType<typeof renderMenu>) =>
  menu.buttons.kind === 'inline' ? menu.buttons.rows.flat().map((b) => b.text) : [];
const data = (menu: ReturnType<typeof renderMenu>) =>
  menu.buttons.kind === 'inline'
    ? menu.buttons.rows.flat().map((b) => (b.kind === 'callback' ? b.data : ''))
    : [];

describe('the Telegram preference menu', () => {
  it('offers non-critical types the business has on, with the state and what a tap sets, plus marketing', () => {
    const menu = renderMenu(
      'settings',
      'ru',
      stateOf(true, {
        contactId: 'c',
        preferredChannel: null,
        channels: {},
        types: { new_lesson: { enabled: false } },
        updatedAt: new Date(),
      }),
      TYPES,
    );
    expect(labels(menu)).toEqual(['🔕 Новый урок', '✅ Promo', '✅ Новости и акции']);
    expect(data(menu)).toEqual([`pref:t:1:${id(1)}`, `pref:t:0:${id(3)}`, 'pref:m:0']);
    expect(validateHtml(menu.html).ok).toBe(true);
    for (const d of data(menu)) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
  });

  it('hides marketing types while the contact is unsubscribed, in English', () => {
    const menu = renderMenu('settings', 'en', stateOf(false, undefined), TYPES);
    expect(labels(menu)).toEqual(['✅ New lesson', '🔕 News and offers']);
    expect(data(menu).at(-1)).toBe('pref:m:1');
    expect(menu.html).toMatch(/Notifications/);
  });

  it('after /stop offers one tap back, and after it the settings', () => {
    const stopped = renderMenu('stopped', 'en', stateOf(false, undefined), TYPES);
    expect(stopped.html).toMatch(/unsubscribed/);
    expect(data(stopped)).toEqual(['pref:r']);
    const back = renderMenu('resubscribed', 'ru', stateOf(true, undefined), TYPES);
    expect(back.html).toMatch(/снова подписаны/);
    expect(data(back)).toEqual(['pref:o']);
  });

  it('parses only the data it sends', () => {
    expect(parseMenuTap(`pref:t:0:${id(1)}`)).toEqual({ kind: 'type', typeId: id(1), enabled: false });
    expect(parseMenuTap('pref:m:1')).toEqual({ kind: 'marketing', enabled: true });
    expect(parseMenuTap('pref:r')).toEqual({ kind: 'resubscribe' });
    expect(parseMenuTap('pref:o')).toEqual({ kind: 'open' });
    expect(parseMenuTap('pref:t:2:x')).toBeNull();
    expect(parseMenuTap('pref:m:')).toBeNull();
  });
});
