import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventOccurrenceKey } from './triggers.ts';
import { signWebhook } from './webhook.ts';

describe('signWebhook', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 in the t=…,v1=… form', () => {
    const body = '{"a":1}';
    const mac = createHmac('sha256', 's3cret').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook('s3cret', body, 1_700_000_000)).toBe(`t=1700000000,v1=${mac}`);
    expect(signWebhook('other', body, 1_700_000_000)).not.toContain(mac);
  });
});

describe('eventOccurrenceKey', () => {
  const t = { kind: 'event' as const, event: 'cart_abandoned', occurrenceProperty: 'cartId' };
  it('keys by contact and the occurrence property, else by the event', () => {
    expect(eventOccurrenceKey(t, { id: '7', contactId: 'c1', properties: { cartId: 42 } })).toBe(
      'c1:cart_abandoned:cartId=42',
    );
    expect(eventOccurrenceKey(t, { id: '7', contactId: 'c1', properties: {} })).toBe('c1:event:7');
    expect(
      eventOccurrenceKey(
        { kind: 'event', event: 'x' },
        { id: '8', contactId: 'c2', properties: { cartId: 1 } },
      ),
    ).toBe('c2:event:8');
  });
});
