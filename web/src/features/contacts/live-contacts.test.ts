import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  applyImportEvent,
  coalesce,
  contactIdOf,
  importPollInterval,
  touchesContacts,
} from './live-contacts.ts';

const event = (room: string, name: string, data: unknown) => ({ room, event: name, data });
const running = {
  id: 'imp-1',
  status: 'running' as const,
  processedRows: 500,
  createdRows: 480,
  updatedRows: 10,
  rejectedRows: 10,
  filename: 'people.csv',
  error: null,
};
const progressed = (patch: Record<string, unknown>) =>
  event('imports', 'import.progressed', { import: { ...running, ...patch } });

describe('the contacts table and the contacts room', () => {
  it('is touched by contact events only', () => {
    expect(touchesContacts(event('contacts', 'contact.created', { contact: { id: 'c-1' } }))).toBe(true);
    expect(touchesContacts(event('contacts', 'contact.deleted', { id: 'c-1' }))).toBe(true);
    expect(touchesContacts(event('conversations', 'conversation.updated', {}))).toBe(false);
    expect(touchesContacts(event('imports', 'import.progressed', {}))).toBe(false);
  });

  it('finds the contact an event is about, deletions included', () => {
    expect(contactIdOf(event('contacts', 'contact.updated', { contact: { id: 'c-2' } }))).toBe('c-2');
    expect(contactIdOf(event('contacts', 'contact.deleted', { id: 'c-3' }))).toBe('c-3');
    expect(contactIdOf(event('broadcasts', 'broadcast.updated', { id: 'b-1' }))).toBeNull();
  });
});

describe('an import followed through the imports room', () => {
  it('takes the counters of its own import', () => {
    const next = applyImportEvent(
      running,
      progressed({ processedRows: 900, createdRows: 870, rejectedRows: 20, bytes: 1234 }),
    );
    expect(next).toEqual({ ...running, processedRows: 900, createdRows: 870, rejectedRows: 20 });
  });

  it('ends when the server says completed, with the final counters', () => {
    const next = applyImportEvent(
      running,
      progressed({ status: 'completed', processedRows: 1000, finishedAt: '2026-12-07T10:00:00Z' }),
    );
    expect(next?.status).toBe('completed');
    expect(next?.processedRows).toBe(1000);
  });

  it('ignores another import, other events and payloads without a status', () => {
    expect(applyImportEvent(running, progressed({ id: 'imp-2', processedRows: 900 }))).toBe(running);
    expect(applyImportEvent(running, event('contacts', 'contact.updated', { import: running }))).toBe(
      running,
    );
    expect(applyImportEvent(running, progressed({ status: undefined }))).toBe(running);
    expect(applyImportEvent(undefined, progressed({}))).toBeUndefined();
  });

  it('answers the same object for an event that brings nothing new, so a replay changes nothing', () => {
    expect(applyImportEvent(running, progressed({}))).toBe(running);
    const next = applyImportEvent(running, progressed({ processedRows: 600 }));
    expect(applyImportEvent(next, progressed({ processedRows: 600 }))).toBe(next);
  });

  it('never goes back: a late event is overtaken by what a refetch already showed', () => {
    expect(applyImportEvent(running, progressed({ processedRows: 400 }))).toBe(running);
    const done = { ...running, status: 'completed' as const, processedRows: 1000 };
    expect(applyImportEvent(done, progressed({ status: 'running', processedRows: 1000 }))).toBe(done);
  });

  it('is polled only while the socket is not live', () => {
    expect(importPollInterval('live')).toBe(false);
    expect(importPollInterval('reconnecting')).toBe(700);
    expect(importPollInterval('connecting')).toBe(700);
  });
});

describe('a burst of events', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('costs one run after the wait, and a later burst another', () => {
    vi.useFakeTimers();
    const run = vi.fn();
    const refresh = coalesce(run, 500);
    for (let i = 0; i < 20; i++) refresh.call();
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(run).toHaveBeenCalledTimes(1);
    refresh.call();
    vi.advanceTimersByTime(500);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('runs nothing once cancelled', () => {
    vi.useFakeTimers();
    const run = vi.fn();
    const refresh = coalesce(run, 500);
    refresh.call();
    refresh.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
  });
});
