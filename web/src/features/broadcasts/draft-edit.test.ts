import { describe, expect, it } from 'vitest';
import { attachmentKind, createPlan, emptyDraft } from './create-logic.ts';
import { draftButtons, draftFromBroadcast, isEditable, type StoredBroadcast } from './draft-edit.ts';

const stored = (patch: Partial<StoredBroadcast>): StoredBroadcast => ({
  title: 'Spring sale',
  status: 'draft',
  channelId: 'ch-1',
  segmentId: 'seg-vip',
  filter: null,
  templateId: null,
  content: 'Hello, {{ contact.firstName }}',
  buttons: [],
  attachmentId: null,
  scheduledAt: null,
  localTime: null,
  quietHours: null,
  ...patch,
});

describe('a stored draft opened in the create flow', () => {
  it('comes back with its audience, text, buttons and file', () => {
    const draft = draftFromBroadcast(
      stored({
        buttons: [
          [
            { kind: 'url', text: 'Shop', url: 'https://shop.example' },
            { kind: 'callback', text: 'Later', data: 'later' },
          ],
          [{ kind: 'url', text: 'Help', url: 'https://help.example' }],
        ],
        attachmentId: 'att-1',
      }),
      'seg-subscribed',
      'UTC',
    );
    expect(draft).toMatchObject({
      title: 'Spring sale',
      channelId: 'ch-1',
      audience: 'segment',
      segmentId: 'seg-vip',
      messageKind: 'inline',
      content: 'Hello, {{ contact.firstName }}',
      attachment: { id: 'att-1' },
      schedule: 'now',
    });
    expect(draft.buttons.map((b) => [b.text, b.value, b.sameRow])).toEqual([
      ['Shop', 'https://shop.example', false],
      ['Later', 'later', true],
      ['Help', 'https://help.example', false],
    ]);
  });

  it('reads "everyone subscribed" from the built-in segment or its fallback filter, and keeps any other filter', () => {
    expect(
      draftFromBroadcast(stored({ segmentId: 'seg-subscribed' }), 'seg-subscribed', 'UTC').audience,
    ).toBe('all');
    const fallback = {
      op: 'and',
      conditions: [{ type: 'field', field: 'subscribed', op: 'eq', value: true }],
    };
    expect(draftFromBroadcast(stored({ segmentId: null, filter: fallback }), null, 'UTC').audience).toBe(
      'all',
    );
    const own = { op: 'and', conditions: [{ type: 'tag', op: 'has', value: 'vip' }] };
    const draft = draftFromBroadcast(stored({ segmentId: null, filter: own }), null, 'UTC');
    expect(draft.audience).toBe('filter');
    expect(createPlan(draft, 'UTC', null, 'update').body.filter).toEqual(own);
  });

  it('shows a scheduled start on the user clock, and a template as the chosen template', () => {
    const draft = draftFromBroadcast(
      stored({
        templateId: 'tpl-1',
        content: null,
        status: 'scheduled',
        scheduledAt: '2026-12-24T06:00:00.000Z',
      }),
      null,
      'Europe/Moscow',
    );
    expect(draft).toMatchObject({ messageKind: 'template', templateId: 'tpl-1', schedule: 'at' });
    expect(draft.at).toBe('2026-12-24T09:00:00');
    expect(createPlan(draft, 'Europe/Moscow', null, 'update').body.scheduledAt).toBe(
      '2026-12-24T06:00:00.000Z',
    );
  });

  it('keeps a local-time start and quiet hours', () => {
    const draft = draftFromBroadcast(
      stored({ localTime: '11:30', quietHours: { from: '22:00', to: '09:00' } }),
      null,
      'UTC',
    );
    expect(draft).toMatchObject({
      schedule: 'local',
      localTime: '11:30',
      quietHours: { from: '22:00', to: '09:00' },
    });
  });

  it('is offered for drafts and scheduled broadcasts only', () => {
    expect(['draft', 'scheduled', 'sending', 'paused', 'completed'].map(isEditable)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('turns button rows into the editor list and back unchanged', () => {
    const rows = [
      [
        { kind: 'url' as const, text: 'A', url: 'https://a.example' },
        { kind: 'url' as const, text: 'B', url: 'https://b.example' },
      ],
      [{ kind: 'callback' as const, text: 'C', data: 'c' }],
    ];
    const draft = { ...emptyDraft(), title: 'x', channelId: 'ch', content: 'x', buttons: draftButtons(rows) };
    expect(createPlan(draft, 'UTC', 'seg', 'update').body.buttons).toEqual(rows);
  });
});

describe('saving an edited draft', () => {
  const base = { ...emptyDraft(), title: ' Sale ', channelId: 'ch-1', content: 'Hi' };

  it('names what was removed, so the stored broadcast matches the form', () => {
    expect(createPlan(base, 'UTC', 'seg-subscribed', 'update')).toEqual({
      body: {
        title: 'Sale',
        channelId: 'ch-1',
        segmentId: 'seg-subscribed',
        content: 'Hi',
        buttons: [],
        attachmentId: null,
        quietHours: null,
        scheduledAt: null,
        localTime: null,
      },
      template: null,
      start: 'send-now',
    });
  });

  it('leaves out what is empty when creating', () => {
    expect(createPlan(base, 'UTC', 'seg-subscribed').body).toEqual({
      title: 'Sale',
      channelId: 'ch-1',
      segmentId: 'seg-subscribed',
      content: 'Hi',
    });
  });

  it('carries the attachment in both', () => {
    const withFile = { ...base, attachment: { id: 'att-9', name: 'menu.pdf', kind: 'document' } };
    expect(createPlan(withFile, 'UTC', null).body.attachmentId).toBe('att-9');
    expect(createPlan(withFile, 'UTC', null, 'update').body.attachmentId).toBe('att-9');
  });
});

describe('the kind a broadcast file is uploaded as', () => {
  it('is a photo for still pictures and a document for anything else', () => {
    expect(attachmentKind({ type: 'image/jpeg' })).toBe('photo');
    expect(attachmentKind({ type: 'image/png' })).toBe('photo');
    expect(attachmentKind({ type: 'image/gif' })).toBe('document');
    expect(attachmentKind({ type: 'image/svg+xml' })).toBe('document');
    expect(attachmentKind({ type: 'application/pdf' })).toBe('document');
    expect(attachmentKind({ type: '' })).toBe('document');
  });
});
