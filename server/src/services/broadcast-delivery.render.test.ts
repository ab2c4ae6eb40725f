import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../channels/channel.ts';
import { renderPastStalls } from './broadcast-delivery.ts';
import { TemplateError } from './templates/types.ts';

const row = { chatExternalId: '42' } as Parameters<typeof renderPastStalls>[1];
const message: OutgoingMessage = { chatExternalId: '42', html: 'Hello', attachments: [] };

/** A message whose renders throw the given errors in turn, then succeed. */
function rendering(...failures: Error[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    forRecipient() {
      const failure = failures[calls++];
      if (failure) throw failure;
      return message;
    },
  };
}

describe('renderPastStalls', () => {
  it('renders again once when the render ran past its time limit (a stalled process), and sends that', () => {
    const m = rendering(new TemplateError('template render limit exceeded', '/body'));
    expect(renderPastStalls(m, row)).toBe(message);
    expect(m.calls).toBe(2);
  });

  it('fails when the second render runs past the limit too (the template really is too slow)', () => {
    const slow = new TemplateError('template render limit exceeded', '/body');
    const m = rendering(slow, slow);
    expect(() => renderPastStalls(m, row)).toThrow(slow);
    expect(m.calls).toBe(2);
  });

  it('does not render again after any other template error', () => {
    const broken = new TemplateError('unknown filter "nope"', '/body', 1, 9);
    const m = rendering(broken);
    expect(() => renderPastStalls(m, row)).toThrow(broken);
    expect(m.calls).toBe(1);
  });
});
