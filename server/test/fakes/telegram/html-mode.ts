import { badRequest, type Json } from './types.ts';

/** Tags Telegram's HTML parse mode supports, mapped to the entity type they produce. */
const TAG_ENTITY: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface Open {
  tag: string;
  attrs: Record<string, string>;
  offset: number;
}

/** Parses Telegram HTML into plain text and entities, or throws the 400 "can't parse entities: …" Telegram answers. */
export function parseHtml(html: string): { text: string; entities: Json[] } {
  const fail = (why: string) => badRequest(`can't parse entities: ${why}`);
  const byteOffset = (i: number) => Buffer.byteLength(html.slice(0, i), 'utf8');
  const stack: Open[] = [];
  const entities: Json[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i] as string;
    if (ch === '&') {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(html.slice(i));
      const name = m?.[1];
      if (m && name !== undefined) {
        if (name.startsWith('#x') || name.startsWith('#X'))
          text += String.fromCodePoint(Number.parseInt(name.slice(2), 16));
        else if (name.startsWith('#')) text += String.fromCodePoint(Number.parseInt(name.slice(1), 10));
        else text += NAMED[name.toLowerCase()] ?? m[0];
        i += m[0].length;
      } else {
        // Telegram keeps a lone '&' as text.
        text += ch;
        i += 1;
      }
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i += 1;
      continue;
    }
    const end = html.indexOf('>', i);
    if (end < 0) throw fail(`Unclosed start tag at byte offset ${byteOffset(i)}`);
    const inner = html.slice(i + 1, end);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw fail(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      if (open.tag !== name) {
        throw fail(
          `Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${open.tag}>", found "</${name}>"`,
        );
      }
      closeEntity(open, text.length, entities);
    } else {
      const m = /^([a-zA-Z][a-zA-Z0-9-]*)\s*(.*)$/s.exec(inner);
      const name = m?.[1]?.toLowerCase() ?? '';
      if (!m || !(name in TAG_ENTITY))
        throw fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(i)}`);
      const attrs = parseAttrs(m[2] ?? '');
      if (name === 'span' && attrs.class !== 'tg-spoiler') {
        throw fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(i)}`);
      }
      stack.push({ tag: name, attrs, offset: text.length });
    }
    i = end + 1;
  }
  const unclosed = stack.pop();
  if (unclosed) throw fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => (a.offset as number) - (b.offset as number));
  return { text, entities };
}

function parseAttrs(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /([a-zA-Z_-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (const m of source.matchAll(re)) {
    attrs[(m[1] as string).toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return attrs;
}

function closeEntity(open: Open, endOffset: number, entities: Json[]): void {
  const length = endOffset - open.offset;
  if (length <= 0) return;
  let type = TAG_ENTITY[open.tag] as string;
  const entity: Json = { type, offset: open.offset, length };
  if (open.tag === 'a') {
    if (!open.attrs.href) return;
    entity.url = open.attrs.href;
  } else if (open.tag === 'tg-emoji') {
    entity.custom_emoji_id = open.attrs['emoji-id'] ?? '';
  } else if (open.tag === 'blockquote' && 'expandable' in open.attrs) {
    type = 'expandable_blockquote';
    entity.type = type;
  } else if (open.tag === 'code') {
    const lang = /^language-(.+)$/.exec(open.attrs.class ?? '')?.[1];
    if (lang) entity.language = lang;
  } else if (open.tag === 'pre') {
    // <pre><code class="language-x"> becomes one pre entity carrying the language.
    const at = entities.findIndex(
      (e) => e.type === 'code' && e.offset === open.offset && e.length === length,
    );
    if (at >= 0) {
      const [code] = entities.splice(at, 1);
      if (code?.language) entity.language = code.language;
    }
  }
  entities.push(entity);
}
