import { describe, expect, it } from 'vitest';
import { escapeHtml, validateHtml, visibleText } from './telegram.html.ts';

describe('escapeHtml', () => {
  it('escapes &, <, > and " so data shows exactly as typed', () => {
    expect(escapeHtml('a & b <c> "d"')).toBe('a &amp; b &lt;c&gt; &quot;d&quot;');
  });

  it("keeps a customer's <b> from breaking a message around it", () => {
    const name = '<b>Mallory</b></i><a href="x">&nbsp;';
    const html = `<i>Hello, ${escapeHtml(name)}!</i>`;
    expect(validateHtml(html)).toEqual({ ok: true });
    expect(visibleText(html)).toBe(`Hello, ${name}!`);
  });

  it('makes data safe inside an attribute too', () => {
    const url = 'https://example.com/?q="x"&a=<1>';
    const html = `<a href="${escapeHtml(url)}">link</a>`;
    expect(validateHtml(html)).toEqual({ ok: true });
  });

  it('leaves Cyrillic and emoji untouched', () => {
    expect(escapeHtml('Привет 👋🏽')).toBe('Привет 👋🏽');
  });
});

describe('validateHtml', () => {
  it('accepts every tag Telegram documents', () => {
    const html = [
      '<b>b</b> <strong>strong</strong> <i>i</i> <em>em</em> <u>u</u> <ins>ins</ins>',
      '<s>s</s> <strike>strike</strike> <del>del</del>',
      '<span class="tg-spoiler">spoiler</span> <tg-spoiler>spoiler</tg-spoiler>',
      '<a href="https://example.com/?a=1&amp;b=2">link</a> <a href="tg://user?id=123456789">mention</a>',
      '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
      '<code>inline</code> <pre>block</pre> <pre><code class="language-python">print(1)</code></pre>',
      '<blockquote>quote</blockquote> <blockquote expandable>long quote</blockquote>',
      '<b>bold <i>italic bold <s>strike <u>underline</u></s></i></b>',
    ].join('\n');
    expect(validateHtml(html)).toEqual({ ok: true });
  });

  it('accepts tag names in any case and single-quoted attributes', () => {
    expect(validateHtml("<B>x</b> <A HREF='https://e.com'>y</A>")).toEqual({ ok: true });
  });

  it('accepts the four named entities and numeric ones, decoding them for display', () => {
    const html = '&lt;&gt;&amp;&quot; &#128512; &#x41;';
    expect(validateHtml(html)).toEqual({ ok: true });
    expect(visibleText(html)).toBe('<>&" 😀 A');
  });

  it.each([
    ['<div>x</div>', 'div'],
    ['<br>', 'br'],
    ['<p>x</p>', 'p'],
    ['<span>x</span>', 'span'],
    ['<span class="red">x</span>', 'span'],
    ['<a>x</a>', 'a'],
    ['<a href="x" target="_blank">x</a>', 'a'],
    ['<b class="x">x</b>', 'b'],
    ['<tg-emoji emoji-id="abc">x</tg-emoji>', 'tg-emoji'],
    ['<code class="language-js">x</code>', 'code'],
    ['<blockquote expandable="yes">x</blockquote>', 'blockquote'],
  ])('refuses %s naming the tag', (html, tag) => {
    const result = validateHtml(html);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.tag).toBe(tag);
  });

  it.each([
    ['<b>x', 'b', 'never closed'],
    ['x</b>', 'b', 'no opening tag'],
    ['<b><i>x</b></i>', 'b', 'closes <i>'],
    ['<blockquote><blockquote>x</blockquote></blockquote>', 'blockquote', 'nested'],
    ['<a href="a"><a href="b">x</a></a>', 'a', 'nested'],
    ['<code><b>x</b></code>', 'b', 'inside <pre> or <code>'],
    ['<pre><i>x</i></pre>', 'i', 'inside <pre> or <code>'],
  ])('refuses badly nested %s', (html, tag, message) => {
    const result = validateHtml(html);
    expect(result).toMatchObject({ ok: false, tag });
    expect(result.ok === false && result.message).toContain(message);
  });

  it.each([
    ['1 < 2', '<'],
    ['2 > 1', '>'],
    ['fish & chips', '&'],
    ['&nbsp;', '&nbsp;'],
    ['&#xD800;', '&#xD800;'],
    ['<a href="x&y">z</a>', '&'],
    ['<b', '<'],
  ])('refuses unescaped or unsupported text in %s', (html, mentioned) => {
    const result = validateHtml(html);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toContain(mentioned);
  });

  it('accepts plain text and the empty string', () => {
    expect(validateHtml('Привет, мир 👋')).toEqual({ ok: true });
    expect(validateHtml('')).toEqual({ ok: true });
  });

  it('finds the ">" ending a tag even when an attribute value holds one escaped', () => {
    expect(validateHtml('<a href="https://e.com/?x=&gt;">x</a>')).toEqual({ ok: true });
  });
});
