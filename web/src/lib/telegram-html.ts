/**
 * Reads our own Telegram HTML (replies, notes, canned responses) into a tree of allowed elements, so the app can show
 * bold, links and code without ever handing a string to the browser's HTML parser. Tags outside Telegram's subset,
 * attributes other than the few it defines, and links to anything but http(s), tg: and mailto: are dropped; their text stays.
 * Customer text never comes here: it is always shown as plain text.
 */

/** A formatting element of Telegram's HTML subset, normalised (strong → b, em → i, …). */
export type TgTag = 'b' | 'i' | 'u' | 's' | 'spoiler' | 'a' | 'code' | 'pre' | 'blockquote';

export type TgNode = string | { tag: TgTag; href?: string; children: TgNode[] };

const TAGS: Record<string, TgTag> = {
  b: 'b',
  strong: 'b',
  i: 'i',
  em: 'i',
  u: 'u',
  ins: 'u',
  s: 's',
  strike: 's',
  del: 's',
  'tg-spoiler': 'spoiler',
  a: 'a',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
};

const SAFE_LINK = /^(https?:|tg:|mailto:)/i;

/** Decodes the entities Telegram accepts: &lt; &gt; &amp; &quot; and numeric ones. Unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'amp') return '&';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    const code = lower.startsWith('#x')
      ? Number.parseInt(lower.slice(2), 16)
      : Number.parseInt(lower.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
      ? String.fromCodePoint(code)
      : whole;
  });
}

/** Escapes text so Telegram's HTML mode shows it as written. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attribute(attrs: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attrs);
  if (!m) return null;
  return decodeEntities(m[1] ?? m[2] ?? m[3] ?? '');
}

/** The allowed element an opening tag names, or null (unknown tags are dropped, their content kept). */
function openElement(name: string, attrs: string): { tag: TgTag; href?: string } | null {
  if (name === 'span') return /(?:^|\s)class\s*=\s*["']?tg-spoiler/i.test(attrs) ? { tag: 'spoiler' } : null;
  const tag = TAGS[name];
  if (!tag) return null;
  if (tag !== 'a') return { tag };
  const href = attribute(attrs, 'href');
  return href && SAFE_LINK.test(href.trim()) ? { tag, href: href.trim() } : { tag };
}

interface Frame {
  name: string;
  node: { tag: TgTag; href?: string; children: TgNode[] } | null;
  children: TgNode[];
}

/** Parses Telegram HTML into nodes; never throws, whatever the input. */
export function parseTelegramHtml(html: string): TgNode[] {
  const root: Frame = { name: '', node: null, children: [] };
  const stack: Frame[] = [root];
  const top = () => stack[stack.length - 1]!;
  const pushText = (text: string) => {
    if (!text) return;
    const kids = top().children;
    const last = kids[kids.length - 1];
    if (typeof last === 'string') kids[kids.length - 1] = last + text;
    else kids.push(text);
  };
  const tagPattern = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[^<>]*?)?)\s*(\/?)>/g;
  let at = 0;
  for (let m = tagPattern.exec(html); m; m = tagPattern.exec(html)) {
    pushText(decodeEntities(html.slice(at, m.index)));
    at = m.index + m[0].length;
    const [, closing, rawName, attrs = '', selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (closing) {
      const index = stack.findLastIndex((f, i) => i > 0 && f.name === name);
      if (index < 0) continue; // a stray closing tag: ignore it
      while (stack.length > index) closeFrame(stack);
      continue;
    }
    if (selfClosing || name === 'br') continue;
    const element = openElement(name, attrs);
    stack.push({ name, node: element ? { ...element, children: [] } : null, children: [] });
  }
  pushText(decodeEntities(html.slice(at)));
  while (stack.length > 1) closeFrame(stack);
  return root.children;
}

/** Ends the innermost open element: it becomes a node of its parent, or its children do (dropped tags). */
function closeFrame(stack: Frame[]): void {
  const frame = stack.pop()!;
  const parent = stack[stack.length - 1]!;
  const items: TgNode[] = frame.node ? [{ ...frame.node, children: frame.children }] : frame.children;
  for (const item of items) {
    const last = parent.children[parent.children.length - 1];
    if (typeof item === 'string' && typeof last === 'string')
      parent.children[parent.children.length - 1] = last + item;
    else parent.children.push(item);
  }
}

/** The text a reader sees (tags removed, entities decoded): for previews and search. */
export function telegramHtmlToText(html: string): string {
  const walk = (nodes: TgNode[]): string =>
    nodes.map((n) => (typeof n === 'string' ? n : walk(n.children))).join('');
  return walk(parseTelegramHtml(html));
}
