import { describe, expect, it } from 'vitest';
import type { Message, MessagesPage } from '../../lib/types.ts';
import { cannedPrefix } from './canned-query.ts';
import { threadMessages, upsertMessage } from './message-cache.ts';
import { neighbour, shortcutFor } from './shortcuts.ts';
import { snoozeUntil } from './snooze.ts';

const msg = (id: string, createdAt: string, content = id): Message => ({
  id,
  conversationId: 'c1',
  messageType: 'incoming',
  senderType: 'contact',
  senderUserId: null,
  content,
  contentAttributes: {},
  deletedAt: null,
  editedAt: null,
  deliveryStatus: null,
  deliveryError: null,
  createdAt,
  attachments: [],
});
const page = (data: Message[], nextCursor: string | null = null): MessagesPage => ({
  data,
  nextCursor,
  newerCursor: null,
});

describe('thread cache', () => {
  const cached = {
    pages: [
      page([msg('3', '2026-01-01T10:03:00Z'), msg('4', '2026-01-01T10:04:00Z')], 'c'),
      page([msg('1', '2026-01-01T10:01:00Z')]),
    ],
    pageParams: [null, 'c'],
  };

  it('appends a new message to the latest page in time order, whatever order events arrive in', () => {
    const late = upsertMessage(cached, msg('5', '2026-01-01T10:05:00Z'));
    const early = upsertMessage(late, msg('35', '2026-01-01T10:03:30Z'));
    expect(threadMessages(early).map((m) => m.id)).toEqual(['1', '3', '35', '4', '5']);
  });

  it('replaces an edited message in whichever page holds it, and a replay changes nothing', () => {
    const edited = { ...msg('1', '2026-01-01T10:01:00Z', 'fixed'), editedAt: '2026-01-01T11:00:00Z' };
    const once = upsertMessage(cached, edited);
    const twice = upsertMessage(once, edited);
    expect(threadMessages(twice).map((m) => m.content)).toEqual(['fixed', '3', '4']);
    expect(twice).toEqual(once);
  });

  it('leaves a thread that was never loaded alone', () => {
    expect(upsertMessage(undefined, msg('9', '2026-01-01T10:00:00Z'))).toBeUndefined();
  });
});

describe('keyboard shortcuts', () => {
  const press = (key: string, tagName = 'BODY', extra = {}) =>
    shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, target: { tagName }, ...extra });

  it('maps single keys to inbox actions', () => {
    expect(['j', 'k', 'r', 'n', 'e', 'a', '/', '?'].map((k) => press(k))).toEqual([
      'next',
      'previous',
      'reply',
      'note',
      'resolve',
      'assignToMe',
      'search',
      'help',
    ]);
    expect(press('x')).toBeNull();
  });

  it('never fires while typing in a field or with a modifier held', () => {
    expect(press('e', 'TEXTAREA')).toBeNull();
    expect(press('j', 'INPUT')).toBeNull();
    expect(press('a', 'DIV', { target: { tagName: 'DIV', isContentEditable: true } })).toBeNull();
    expect(press('r', 'BODY', { ctrlKey: true })).toBeNull();
  });

  it('walks the list and stops at its ends', () => {
    const ids = ['a', 'b', 'c'];
    expect(neighbour(ids, undefined, 1)).toBe('a');
    expect(neighbour(ids, 'a', 1)).toBe('b');
    expect(neighbour(ids, 'c', 1)).toBe('c');
    expect(neighbour(ids, 'a', -1)).toBe('a');
    expect(neighbour(ids, 'gone', 1)).toBe('a');
    expect(neighbour([], 'a', 1)).toBeUndefined();
  });
});

describe('composer canned responses', () => {
  it('looks up only while the text is a slash and a short code', () => {
    expect(cannedPrefix('/')).toBe('');
    expect(cannedPrefix('/thanks')).toBe('thanks');
    expect(cannedPrefix('/thanks you')).toBeNull();
    expect(cannedPrefix('hello /thanks')).toBeNull();
    expect(cannedPrefix('')).toBeNull();
  });
});

describe('snooze presets', () => {
  it('ends tomorrow at 9:00 on the wall clock of the user, not of the browser', () => {
    // 23:30 in Moscow (UTC+3) on Tuesday 2026-03-03 is 20:30 UTC.
    const now = new Date('2026-03-03T20:30:00Z');
    expect(snoozeUntil('tomorrow', now, 'Europe/Moscow').toISOString()).toBe('2026-03-04T06:00:00.000Z');
    expect(snoozeUntil('tomorrow', now, 'America/New_York').toISOString()).toBe('2026-03-04T14:00:00.000Z');
  });

  it('ends next Monday at 9:00, a whole week ahead when it is Monday already', () => {
    expect(snoozeUntil('nextWeek', new Date('2026-03-05T10:00:00Z'), 'Europe/Moscow').toISOString()).toBe(
      '2026-03-09T06:00:00.000Z',
    );
    expect(snoozeUntil('nextWeek', new Date('2026-03-09T10:00:00Z'), 'Europe/Moscow').toISOString()).toBe(
      '2026-03-16T06:00:00.000Z',
    );
  });

  it('follows a daylight saving change', () => {
    // New York moves to UTC-4 on 2026-03-08: 9:00 on the 9th is 13:00 UTC, on the 7th it was 14:00 UTC.
    expect(snoozeUntil('tomorrow', new Date('2026-03-08T15:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
    expect(snoozeUntil('oneHour', new Date('2026-03-08T15:00:00Z'), 'UTC').toISOString()).toBe(
      '2026-03-08T16:00:00.000Z',
    );
  });
});
