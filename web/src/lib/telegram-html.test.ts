import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TelegramHtml } from './TelegramHtml.tsx';
import { escapeHtml, parseTelegramHtml, telegramHtmlToText } from './telegram-html.ts';

const html = (input: string) => renderToStaticMarkup(createElement(TelegramHtml, { html: input }));

describe('Telegram HTML sanitiser', () => {
  it('keeps the formatting tags of Telegram, normalised', () => {
    expect(parseTelegramHtml('<b>bold</b> <strong>x</strong> <em>y</em>')).toEqual([
      { tag: 'b', children: ['bold'] },
      ' ',
      { tag: 'b', children: ['x'] },
      ' ',
      { tag: 'i', children: ['y'] },
    ]);
    expect(html('<i>a <u>b</u></i><s>c</s><code>d</code><pre>e</pre><blockquote>f</blockquote>')).toBe(
      '<em>a <u>b</u></em><s>c</s><code>d</code><pre>e</pre><blockquote>f</blockquote>',
    );
  });

  it('shows a script tag and its content as plain text, never as an element', () => {
    const out = html('<script>alert(1)</script><img src=x onerror="alert(2)">hi');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
    expect(out).toBe('alert(1)hi');
  });

  it('drops links to javascript: and data: but keeps their text', () => {
    expect(html('<a href="javascript:alert(1)">click</a>')).toBe('click');
    expect(html('<a href="data:text/html,x">d</a>')).toBe('d');
    expect(html('<a href="JaVaScRiPt&#58;alert(1)">e</a>')).toBe('e');
  });

  it('keeps http, https and tg links, opened safely in a new tab', () => {
    expect(html('<a href="https://example.com/?a=1&amp;b=2">site</a>')).toBe(
      '<a href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer nofollow">site</a>',
    );
    expect(parseTelegramHtml('<a href="tg://user?id=1">u</a>')).toEqual([
      { tag: 'a', href: 'tg://user?id=1', children: ['u'] },
    ]);
  });

  it('drops every attribute but href, so no event handler or style survives', () => {
    expect(html('<b onclick="alert(1)" style="color:red">x</b>')).toBe('<strong>x</strong>');
  });

  it('reads the spoiler both ways Telegram writes it', () => {
    expect(
      parseTelegramHtml('<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span><span>c</span>'),
    ).toEqual([{ tag: 'spoiler', children: ['a'] }, { tag: 'spoiler', children: ['b'] }, 'c']);
  });

  it('decodes entities once, so an escaped tag shows as the text of a tag', () => {
    expect(html('&lt;b&gt;not bold&lt;/b&gt; &amp;amp; &#128512; &#x41;')).toBe(
      '&lt;b&gt;not bold&lt;/b&gt; &amp;amp; 😀 A',
    );
    expect(telegramHtmlToText('a &lt; b &amp;&amp; c')).toBe('a < b && c');
  });

  it('survives unbalanced and stray tags without losing text', () => {
    expect(telegramHtmlToText('<b>open <i>nested</b> tail</i> </u>end')).toBe('open nested tail end');
    expect(parseTelegramHtml('<b>never closed')).toEqual([{ tag: 'b', children: ['never closed'] }]);
    expect(parseTelegramHtml('1 < 2 and 3 > 2')).toEqual(['1 < 2 and 3 > 2']);
  });

  it('escapes text so that Telegram shows it as typed', () => {
    expect(escapeHtml('<script> & </b>')).toBe('&lt;script&gt; &amp; &lt;/b&gt;');
    expect(telegramHtmlToText(escapeHtml('a <b>c</b> & d'))).toBe('a <b>c</b> & d');
  });
});
