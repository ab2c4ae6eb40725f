import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { type Api, adminApi, insertChannel, paths } from './contacts.helpers.ts';

/** `q` search and the list filters. */

let app: TestApp;
let api: Api;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp();
  api = await adminApi(app);
  const make = async (key: string, body: object) => {
    const res = await api.post('/api/v1/contacts', body);
    if (res.statusCode !== 201) throw new Error(JSON.stringify(res.json()));
    ids[key] = res.json().id;
  };
  await make('anna', {
    name: 'Anna Karenina',
    email: 'anna.k@Example.com',
    phone: '+7 999 123-45-67',
    username: 'AnnaK',
    externalId: 'CRM-0042',
    language: 'ru',
    tags: ['vip', 'moscow'],
  });
  await make('boris', {
    name: 'Boris',
    email: 'boris@mail.test',
    language: 'en',
    tags: ['vip'],
    blocked: true,
  });
  await make('percent', { name: '50% off club', tags: ['moscow'], subscribed: false });
  await make('fifty', { name: '500 off club', language: 'pt-BR' });
  await make('underscore', { username: 'a_b', name: 'Under' });
  await make('lookalike', { username: 'axb', name: 'Look' });
  await make('backslash', { name: 'back\\slash' });
});
afterAll(async () => {
  await app.stop();
});

const list = async (query: string): Promise<string[]> => {
  const res = await api.get(`/api/v1/contacts?limit=1000&${query}`);
  expect(res.statusCode).toBe(200);
  return res.json().data.map((c: { id: string }) => c.id);
};
const keysOf = (found: string[]) =>
  Object.entries(ids)
    .filter(([, id]) => found.includes(id))
    .map(([k]) => k)
    .sort();

describe('contacts q search', () => {
  it.each([
    ['KARENIN', 'name'],
    ['Example.COM', 'email'],
    ['99912345', 'phone'],
    ['annak', 'username'],
    ['crm-004', 'external id'],
  ])('finds %s in the %s, ignoring case', async (q) => {
    expect(keysOf(await list(`q=${encodeURIComponent(q)}`))).toEqual(['anna']);
  });

  it('treats % and _ in q literally', async () => {
    expect(keysOf(await list(`q=${encodeURIComponent('50%')}`))).toEqual(['percent']);
    expect(keysOf(await list(`q=${encodeURIComponent('a_b')}`))).toEqual(['underscore']);
    expect(keysOf(await list(`q=${encodeURIComponent('k\\s')}`))).toEqual(['backslash']);
  });

  it('finds nothing for text nobody has', async () => {
    expect(await list('q=zzzqqq')).toEqual([]);
  });

  it('refuses an empty q naming it', async () => {
    const res = await api.get('/api/v1/contacts?q=');
    expect(res.statusCode).toBe(400);
    expect(paths(res)).toContain('querystring/q');
  });

  it('counts what it finds', async () => {
    const res = (await api.get('/api/v1/contacts?q=club&withTotal=true&limit=1')).json();
    expect(res.total).toBe(2);
    expect(res.data).toHaveLength(1);
  });
});

describe('contacts filters', () => {
  it('keeps contacts that have every tag given', async () => {
    expect(keysOf(await list('tag=vip'))).toEqual(['anna', 'boris']);
    expect(keysOf(await list('tag=vip&tag=moscow'))).toEqual(['anna']);
    expect(keysOf(await list('tag=VIP&tag=moscow'))).toEqual(['anna']);
    expect(await list('tag=vip&tag=nobody')).toEqual([]);
  });

  it('filters by language, written in any case', async () => {
    expect(keysOf(await list('language=ru'))).toEqual(['anna']);
    expect(keysOf(await list('language=EN'))).toEqual(['boris']);
    expect(keysOf(await list('language=pt-br'))).toEqual(['fifty']);
  });

  it('filters by subscribed and blocked', async () => {
    expect(keysOf(await list('subscribed=false'))).toEqual(['percent']);
    expect(await list('subscribed=true')).not.toContain(ids.percent);
    expect(keysOf(await list('blocked=true'))).toEqual(['boris']);
    expect((await list('blocked=false')).length).toBe(Object.keys(ids).length - 1);
  });

  it('filters by channel identity', async () => {
    const channel = await insertChannel(app, 'Bot A', [ids.anna!, ids.fifty!]);
    await insertChannel(app, 'Bot B', [ids.boris!]);
    expect(keysOf(await list(`channelId=${channel}`))).toEqual(['anna', 'fifty']);
    expect(keysOf(await list(`channelId=${channel}&tag=vip`))).toEqual(['anna']);
    expect(await list('channelId=00000000-0000-4000-8000-000000000000')).toEqual([]);
  });

  it('combines q with the filters', async () => {
    expect(keysOf(await list('q=club&subscribed=false'))).toEqual(['percent']);
  });

  it('refuses malformed filter values naming them', async () => {
    expect(paths(await api.get('/api/v1/contacts?channelId=nope'))).toContain('querystring/channelId');
    expect(paths(await api.get('/api/v1/contacts?subscribed=perhaps'))).toContain('querystring/subscribed');
    expect(paths(await api.get('/api/v1/contacts?color=red'))).toContain('querystring/color');
  });
});
