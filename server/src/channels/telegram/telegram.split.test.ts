import { describe, expect, it } from 'vitest';
import { escapeHtml, validateHtml, visibleText } from './telegram.html.ts';
import { CAPTION_LIMIT, splitCaption, splitHtml, TEXT_LIMIT } from './telegram.split.ts';

/** Deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'hello',
  'мир',
  'заказ',
  'доставка',
  'order',
  '😀',
  '👨‍👩‍👧‍👦',
  '🇷🇺',
  'naïve',
  'x',
  'Ёлка',
  '𝒳𝒴',
];
const SEPARATORS = [' ', ' ', ' ', ' ', '\n', '\n\n'];
const INLINE = ['b', 'i', 'u', 's', 'tg-spoiler', 'em', 'strong'];

/** Random valid Telegram HTML: nested formatting, links, code, quotes, entities, emoji, Cyrillic, long words. */
function generate(random: () => number, size: number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const word = (): string => {
    const r = random();
    if (r < 0.03) return 'ъ'.repeat(50 + Math.floor(random() * 300)); // longer than small limits
    if (r < 0.08) return escapeHtml(pick(['<b>', 'a&b', '"q"', '1<2>0']));
    if (r < 0.1) return '&#128512;';
    return pick(WORDS);
  };
  const run = (depth: number, budget: number): string => {
    let out = '';
    while (budget > 0) {
      const r = random();
      if (depth < 3 && r < 0.12) {
        const n = 1 + Math.floor(random() * Math.min(budget, 40));
        const tag = pick(INLINE);
        out += `<${tag}>${run(depth + 1, n)}</${tag}>`;
        budget -= n;
      } else if (depth === 0 && r < 0.16) {
        const n = 1 + Math.floor(random() * 30);
        const block = pick(['pre', 'code', 'blockquote', 'a']);
        const open =
          block === 'a'
            ? '<a href="https://example.com/?a=1&amp;b=2">'
            : block === 'pre' && random() < 0.5
              ? '<pre><code class="language-ts">'
              : `<${block}>`;
        const close = open.startsWith('<pre><code') ? '</code></pre>' : `</${block}>`;
        const inner = Array.from({ length: n }, word).join(pick(SEPARATORS));
        out += `${open}${inner}${close}`;
        budget -= n;
      } else {
        out += word();
        budget -= 1;
      }
      out += pick(SEPARATORS);
    }
    return out;
  };
  return run(0, size);
}

/** Visible length as Telegram measures it: UTF-16 units of the parsed text, trimmed. */
function measured(html: string): number {
  return visibleText(html).trim().length;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks every property a split must have, for one input and limit. */
function checkSplit(html: string, parts: string[], limit: number): void {
  expect(validateHtml(html)).toEqual({ ok: true });
  for (const part of parts) {
    expect(validateHtml(part), part).toEqual({ ok: true });
    expect(measured(part)).toBeLessThanOrEqual(limit);
    expect(measured(part)).toBeGreaterThan(0);
    expect(LONE_SURROGATE.test(visibleText(part))).toBe(false);
  }
  const squash = (s: string) => s.replace(/\s+/g, '');
  expect(squash(parts.map(visibleText).join(''))).toBe(squash(visibleText(html)));
}

describe('splitHtml', () => {
  it('leaves a message within the limit alone', () => {
    const html = '<b>Привет</b>, мир 😀';
    expect(splitHtml(html)).toEqual([html]);
  });

  it('splits on a paragraph boundary before a line or word boundary', () => {
    const para = 'word '.repeat(15).trim(); // 74 units
    const html = `${para}\n\n${para} more\nwords here`;
    const parts = splitHtml(html, 100);
    expect(parts[0]).toBe(para);
    checkSplit(html, parts, 100);
  });

  it('splits on a line boundary when no paragraph boundary is in reach', () => {
    const line = 'слово '.repeat(12).trim();
    const parts = splitHtml(`${line}\n${line}\n${line}`, 100);
    expect(parts).toEqual([line, line, line]);
  });

  it('splits between words rather than inside one', () => {
    const parts = splitHtml('alpha beta gamma delta epsilon zeta eta theta', 20);
    for (const p of parts) expect(p).toMatch(/^[a-z]+( [a-z]+)*$/);
    expect(parts.join(' ')).toBe('alpha beta gamma delta epsilon zeta eta theta');
  });

  it('closes tags at the end of a part and reopens them, attributes included, at the next', () => {
    const html = `<b>bold <a href="https://e.com/?a=1&amp;b=2">${'link '.repeat(10)}end</a></b>`;
    const parts = splitHtml(html, 30);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]!.endsWith('</a></b>')).toBe(true);
    expect(parts[1]!.startsWith('<b><a href="https://e.com/?a=1&amp;b=2">')).toBe(true);
    checkSplit(html, parts, 30);
  });

  it('cuts a word longer than the limit hard, but never inside an entity or an emoji', () => {
    const html = `${'a'.repeat(9)}&amp;${'😀'.repeat(10)}`;
    const parts = splitHtml(html, 10);
    expect(parts[0]).toBe(`${'a'.repeat(9)}&amp;`);
    expect(parts.slice(1)).toEqual(['😀'.repeat(5), '😀'.repeat(5)]);
  });

  it('counts an entity as the one character it shows, not its source length', () => {
    const html = '&lt;'.repeat(100);
    expect(splitHtml(html, 100)).toEqual([html]);
  });

  it('never leaves a custom emoji empty or split', () => {
    const emoji = '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>';
    const parts = splitHtml(`${'x'.repeat(9)}${emoji}${'y'.repeat(5)}`, 10);
    for (const p of parts) expect(validateHtml(p)).toEqual({ ok: true });
    expect(parts.join('')).toContain(emoji);
  });

  it('keeps a language-tagged code block valid across parts', () => {
    const code = Array.from({ length: 30 }, (_, i) => `const v${i} = ${i};`).join('\n');
    const html = `<pre><code class="language-ts">${code}</code></pre>`;
    const parts = splitHtml(html, 200);
    for (const p of parts) expect(p).toMatch(/^<pre><code class="language-ts">[\s\S]*<\/code><\/pre>$/);
    checkSplit(html, parts, 200);
  });

  it('refuses HTML that Telegram would refuse', () => {
    expect(() => splitHtml('<div>x</div>')).toThrow(/div/);
  });

  it('holds every property on generated inputs with nested tags, emoji and Cyrillic', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const random = rng(seed);
      const html = generate(random, 20 + Math.floor(random() * 400));
      const limit = [40, 64, 100, 257][seed % 4]!;
      checkSplit(html, splitHtml(html, limit), limit);
    }
  });

  it('holds every property at the real 4096 limit on long generated text', () => {
    for (let seed = 1000; seed < 1010; seed++) {
      const html = generate(rng(seed), 6000);
      expect(visibleText(html).length).toBeGreaterThan(TEXT_LIMIT);
      const parts = splitHtml(html);
      expect(parts.length).toBeGreaterThan(1);
      checkSplit(html, parts, TEXT_LIMIT);
    }
  });
});

describe('splitCaption', () => {
  it('keeps a short caption whole with nothing following', () => {
    expect(splitCaption('<i>Фото</i> 📷')).toEqual({ caption: '<i>Фото</i> 📷', rest: [] });
  });

  it('moves what exceeds 1024 into following text messages of up to 4096', () => {
    const html = `<b>${'Подпись к фото. '.repeat(500)}</b>`;
    const { caption, rest } = splitCaption(html);
    expect(measured(caption)).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(measured(caption)).toBeGreaterThan(CAPTION_LIMIT / 2);
    expect(rest.length).toBeGreaterThan(1);
    checkSplit(html, [caption, ...rest], TEXT_LIMIT);
    for (const p of rest) expect(p.startsWith('<b>')).toBe(true);
  });

  it('holds every property on generated captions', () => {
    for (let seed = 2000; seed < 2040; seed++) {
      const html = generate(rng(seed), 1500);
      const { caption, rest } = splitCaption(html, 100, 300);
      expect(measured(caption)).toBeLessThanOrEqual(100);
      for (const p of rest) expect(measured(p)).toBeLessThanOrEqual(300);
      checkSplit(html, [caption, ...rest], 300);
    }
  });
});
