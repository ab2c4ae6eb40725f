import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { SecretBox } from '../../lib/secret-box.ts';
import { conversationOfReplyAddress, replyAddress } from './email.reply-token.ts';

describe('email reply addresses', () => {
  const box = new SecretBox(randomBytes(32));
  const id = randomUUID();

  test('carry the conversation through plus-addressing and back', () => {
    const address = replyAddress(box, 'Support@shop.example', id);
    expect(address).toMatch(/^Support\+c-[A-Za-z0-9_-]{32}@shop\.example$/);
    expect(conversationOfReplyAddress(box, address)).toBe(id);
    // Found inside a full header value too.
    expect(conversationOfReplyAddress(box, `"Shop" <${address}>`)).toBe(id);
  });

  test('refuse a forged or foreign token and addresses without one', () => {
    const address = replyAddress(box, 'support@shop.example', id);
    const forged = address.replace(/c-(.)/, (_m, c: string) => `c-${c === 'A' ? 'B' : 'A'}`);
    expect(conversationOfReplyAddress(box, forged)).toBeNull();
    expect(conversationOfReplyAddress(new SecretBox(randomBytes(32)), address)).toBeNull();
    expect(conversationOfReplyAddress(box, 'support@shop.example')).toBeNull();
  });
});
