import { describe, expect, it } from 'vitest';
import type { ContactPreferences } from '../db/schema.ts';
import { namesOf } from './preferences.service.ts';
import {
  changeProblems,
  compactTypes,
  effectiveTypes,
  type PreferenceType,
  stateOf,
  withTypesEnabled,
} from './preferences.view.ts';
import { pageLanguage } from './preferences.web.ts';

const type = (key: string, over: Partial<PreferenceType> = {}): PreferenceType => ({
  id: `00000000-0000-4000-8000-${String(key.length).padStart(12, '0')}`,
  key,
  name: key,
  names: {},
  category: 'transactional',
  critical: false,
  channels: ['telegram', 'email'],
  enabled: true,
  ...over,
});

const TYPES = [
  type('new_lesson'),
  type('payment_failed', { critical: true }),
  type('promo', { category: 'marketing' }),
  type('digest', { channels: ['email'] }),
];

const row = (over: Partial<ContactPreferences>): ContactPreferences => ({
  contactId: 'c',
  preferredChannel: null,
  channels: {},
  types: {},
  updatedAt: new Date(),
  ...over,
});

const all = { telegram: true, email: true };

describe('preference state', () => {
  it('fills in the defaults: everything on, no preferred channel', () => {
    expect(stateOf(true, undefined)).toEqual({
      subscribed: true,
      preferredChannel: null,
      channels: all,
      types: {},
    });
    expect(stateOf(false, row({ channels: { email: false }, types: { promo: { enabled: false } } }))).toEqual(
      {
        subscribed: false,
        preferredChannel: null,
        channels: { telegram: true, email: false },
        types: { promo: { enabled: false, channels: all } },
      },
    );
  });

  it('stores only what differs from "on"', () => {
    expect(
      compactTypes({
        a: { enabled: true, channels: { email: true } },
        b: { enabled: false },
        c: { channels: { telegram: false, email: true } },
      }),
    ).toEqual({ b: { enabled: false }, c: { channels: { telegram: false } } });
  });

  it('switches types while keeping other choices, dropping those of types gone or now critical', () => {
    const state = stateOf(
      true,
      row({
        types: {
          digest: { channels: { telegram: false } },
          gone: { enabled: false },
          payment_failed: { enabled: false },
        },
      }),
    );
    expect(withTypesEnabled(state, TYPES, { new_lesson: false })).toEqual({
      digest: { channels: { telegram: false } },
      new_lesson: { enabled: false },
    });
    expect(withTypesEnabled(state, TYPES, { digest: true })).toEqual({
      digest: { channels: { telegram: false } },
    });
  });
});

describe('changeProblems', () => {
  it('names unknown type keys', () => {
    expect(changeProblems({ types: { nope: { enabled: false } } }, TYPES)).toEqual([
      { path: '/types/nope', message: expect.stringContaining('unknown notification type "nope"') },
    ]);
  });

  it('refuses turning a critical type off, entirely or on a channel, saying why', () => {
    const problems = changeProblems(
      { types: { payment_failed: { enabled: false, channels: { email: false } } } },
      TYPES,
    );
    expect(problems.map((p) => p.path)).toEqual([
      '/types/payment_failed/enabled',
      '/types/payment_failed/channels/email',
    ]);
    expect(problems[0]!.message).toMatch(/critical/);
  });

  it('accepts a critical type left on and any choice on other types', () => {
    expect(
      changeProblems(
        {
          types: {
            payment_failed: { enabled: true },
            new_lesson: { enabled: false },
            promo: { channels: { email: false } },
          },
        },
        TYPES,
      ),
    ).toEqual([]);
  });
});

describe('effectiveTypes', () => {
  const reachable = { telegram: true, email: true };
  const byKey = (state: ReturnType<typeof stateOf>, r = reachable) =>
    Object.fromEntries(effectiveTypes(state, TYPES, r, 'en').map((e) => [e.key, e]));

  it('puts the preferred channel first when the type allows it', () => {
    const e = byKey(stateOf(true, row({ preferredChannel: 'email' })));
    expect(e.new_lesson!.channels).toEqual(['email', 'telegram']);
    expect(e.new_lesson!.channel).toBe('email');
    expect(e.digest!.channels).toEqual(['email']);
  });

  it('honours per-type and per-channel opt-outs for transactional types, never for critical ones', () => {
    const e = byKey(
      stateOf(true, row({ channels: { telegram: false }, types: { new_lesson: { enabled: false } } })),
    );
    expect(e.new_lesson).toMatchObject({ enabled: false, reason: 'type_opted_out', channel: null });
    expect(e.payment_failed).toMatchObject({
      enabled: true,
      channels: ['telegram', 'email'],
      channel: 'telegram',
    });
    expect(e.promo).toMatchObject({ enabled: true, channels: ['email'] });
  });

  it('turns marketing types off for an unsubscribed contact only', () => {
    const e = byKey(stateOf(false, undefined));
    expect(e.promo).toMatchObject({ enabled: false, reason: 'unsubscribed' });
    expect(e.new_lesson!.enabled).toBe(true);
  });

  it('says when no channel is left, and picks the first reachable one', () => {
    const e = byKey(stateOf(true, row({ channels: { email: false } })), { telegram: false, email: true });
    expect(e.digest).toMatchObject({ enabled: false, reason: 'all_channels_opted_out' });
    expect(e.new_lesson).toMatchObject({ enabled: true, channels: ['telegram'], channel: null });
  });

  it('finds no choice for a type named like an Object member', () => {
    const e = effectiveTypes(stateOf(true, undefined), [type('constructor')], reachable, 'en');
    expect(e[0]).toMatchObject({ enabled: true, channels: ['telegram', 'email'] });
    expect(withTypesEnabled(stateOf(true, undefined), [type('constructor')], { constructor: false })).toEqual(
      {
        constructor: { enabled: false },
      },
    );
  });

  it('reports types the business switched off', () => {
    const e = effectiveTypes(stateOf(true, undefined), [type('x', { enabled: false })], reachable, 'ru');
    expect(e[0]).toMatchObject({ enabled: false, reason: 'type_disabled' });
  });
});

describe('names and languages', () => {
  it('splits built-in "Русское / English" names', () => {
    expect(namesOf('Новый урок / New lesson')).toEqual({ ru: 'Новый урок', en: 'New lesson' });
    expect(namesOf('Order shipped')).toEqual({});
  });

  it("chooses the page language: the contact's, else the browser's ru/en, else the workspace's", () => {
    expect(pageLanguage('en-GB', 'ru', 'ru')).toBe('en');
    expect(pageLanguage(null, 'de-DE,de;q=0.9,en;q=0.8,ru;q=0.7', 'ru')).toBe('en');
    expect(pageLanguage('de', 'ru-RU,ru;q=0.9', 'en')).toBe('ru');
    expect(pageLanguage(null, 'en;q=0, fr', 'en')).toBe('en');
    expect(pageLanguage(null, undefined, 'ru')).toBe('ru');
    expect(pageLanguage(null, 'fr', 'en')).toBe('en');
  });
});
