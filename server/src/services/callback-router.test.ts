import { describe, expect, it } from 'vitest';
import type { Repos } from '../repositories/index.ts';
import { CallbackRouter, type CallbackTap } from './callback-router.ts';

const r = {} as Repos;
const tap = (data: string) => ({ data }) as CallbackTap;

describe('callback router', () => {
  it('routes by the longest matching prefix and answers empty when no owner claims the data', async () => {
    const router = new CallbackRouter();
    router.register('bc:', async () => ({ text: 'broadcast' }));
    router.register('bcx:', async () => ({ text: 'longer' }));
    router.register('csat:', async (_r, t) => ({ text: `rated ${t.data.slice(5)}`, showAlert: true }));
    expect(await router.route(r, tap('csat:5'))).toEqual({ text: 'rated 5', showAlert: true });
    expect(await router.route(r, tap('bc:42'))).toEqual({ text: 'broadcast' });
    expect(await router.route(r, tap('bcx:1'))).toEqual({ text: 'longer' });
    expect(await router.route(r, tap('pref:off'))).toEqual({});
    expect(await router.route(r, tap('csat'))).toEqual({});
  });

  it('answers empty when the owner returns nothing', async () => {
    const router = new CallbackRouter();
    router.register('pref:', async () => undefined);
    expect(await router.route(r, tap('pref:x'))).toEqual({});
  });

  it('refuses malformed and duplicate prefixes, and forgets an unregistered one', async () => {
    const router = new CallbackRouter();
    expect(() => router.register('csat', async () => undefined)).toThrow(/invalid/);
    expect(() => router.register('', async () => undefined)).toThrow(/invalid/);
    router.register('csat:', async () => ({ text: 'x' }));
    expect(() => router.register('csat:', async () => undefined)).toThrow(/already/);
    router.unregister('csat:');
    expect(router.handlerFor('csat:1')).toBeUndefined();
  });
});
