import { describe, expect, it } from 'vitest';
import { searchPlan } from './contact-search.ts';

describe('searchPlan', () => {
  it('searches the index for the word with digits and checks the whole email after', () => {
    expect(searchPlan('User512345@Example.com')).toEqual({
      pattern: '%user512345%',
      exact: 'user512345@example.com',
    });
  });

  it('uses the last seven digits of a long number', () => {
    expect(searchPlan('+79000512345')).toEqual({ pattern: '%0512345%', exact: '+79000512345' });
  });

  it('keeps the whole needle when no word is selective enough, escaping LIKE wildcards', () => {
    expect(searchPlan('Иван')).toEqual({ pattern: '%иван%', exact: null });
    expect(searchPlan('a1 b2')).toEqual({ pattern: '%a1 b2%', exact: null });
    expect(searchPlan('50%_off')).toEqual({ pattern: '%50\\%\\_off%', exact: null });
  });

  it('adds the full check only when the selected word is narrower than the needle', () => {
    expect(searchPlan('crm-512345')).toEqual({ pattern: '%512345%', exact: 'crm-512345' });
    expect(searchPlan('order12345')).toEqual({ pattern: '%order12345%', exact: null });
  });
});
