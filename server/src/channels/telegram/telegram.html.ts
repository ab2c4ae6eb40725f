/**
 * Telegram's HTML subset (parse_mode "HTML"): escaping data, a tokenizer, and a validator that refuses
 * what the Bot API would refuse, before we spend a rate-limited request on it.
 * Per Telegram's "Formatting options": only the tags below; every <, > and & outside a tag or entity
 * escaped; named entities limited to &lt; &gt; &amp; &quot;; numeric entities all allowed.
 */

/** One piece of parsed HTML: visible text (one entity or a run of plain text), or a tag. */
export type HtmlToken =
  | { kind: 'text'; raw: string; text: string }
  | { kind: 'open'; raw: string; name: string; attrs: Record<string, string | true> }
  | { kind: 'close'; raw: string; name: string };

/** Why some HTML cannot be sent; `tag` names the offending tag when there is one. */
export type HtmlProblem = { ok: false; tag?: string; message: string };

/** Escapes text inserted from data (a customer's name, a message) so it shows as typed and never breaks markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const ENTITY = /^&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]*));/;

/** Decodes the entity at the start of `s`, or says why it is not one Telegram accepts. */
function readEntity(s: string): { raw: string; text: string } | { error: string } {
  const m = ENTITY.exec(s);
  if (!m) return { error: 'a bare "&" must be escaped as &amp;' };
  if (m[3] !== undefined) {
    const named = NAMED[m[3]];
    return named === undefined
      ? { error: `unsupported entity &${m[3]}; (only &lt; &gt; &amp; &quot;)` }
      : { raw: m[0], text: named };
  }
  const code = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2]!, 16);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
    return { error: `numeric entity ${m[0]} is not a valid character` };
  return { raw: m[0], text: String.fromCodePoint(code) };
}

/** Index of the ">" closing the tag opened at `start`, skipping quoted attribute values; -1 if none. */
function tagEnd(html: string, start: number): number {
  let quote = '';
  for (let i = start + 1; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
    else if (c === '<') return -1;
  }
  return -1;
}

const ATTR = /^\s+([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/;

/** Decodes an attribute value, holding it to the same escaping rules as text. */
function attrValue(value: string): string | { error: string } {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '<' || c === '>') return { error: `"${c}" in an attribute value must be escaped` };
    if (c !== '&') {
      out += c;
      continue;
    }
    const e = readEntity(value.slice(i));
    if ('error' in e) return e;
    out += e.text;
    i += e.raw.length - 1;
  }
  return out;
}

/** Parses one tag's source (between < and >). */
function readTag(raw: string): HtmlToken | HtmlProblem {
  const inner = raw.slice(1, -1);
  if (inner.startsWith('/')) {
    const name = inner.slice(1).trim().toLowerCase();
    if (!/^[a-z][a-z0-9-]*$/.test(name)) return { ok: false, message: `malformed end tag ${raw}` };
    return { kind: 'close', raw, name };
  }
  const m = /^([a-zA-Z][a-zA-Z0-9-]*)/.exec(inner);
  if (!m) return { ok: false, message: `malformed tag ${raw}; a literal "<" must be escaped as &lt;` };
  const name = m[1]!.toLowerCase();
  const attrs: Record<string, string | true> = {};
  let rest = inner.slice(m[0].length);
  for (let a = ATTR.exec(rest); a; a = ATTR.exec(rest)) {
    const value = a[2] ?? a[3] ?? a[4];
    if (value === undefined) attrs[a[1]!.toLowerCase()] = true;
    else {
      const decoded = attrValue(value);
      if (typeof decoded !== 'string') return { ok: false, tag: name, message: decoded.error };
      attrs[a[1]!.toLowerCase()] = decoded;
    }
    rest = rest.slice(a[0].length);
  }
  if (rest.trim() !== '') return { ok: false, tag: name, message: `malformed attributes in <${name}>` };
  return { kind: 'open', raw, name, attrs };
}

/** Splits HTML into tokens, checking escaping; does not check which tags are allowed (see validateHtml). */
export function tokenizeHtml(html: string): { ok: true; tokens: HtmlToken[] } | HtmlProblem {
  const tokens: HtmlToken[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i];
    if (c === '<') {
      const end = tagEnd(html, i);
      if (end < 0)
        return {
          ok: false,
          message: `unterminated tag at offset ${i}; a literal "<" must be escaped as &lt;`,
        };
      const tag = readTag(html.slice(i, end + 1));
      if ('ok' in tag) return tag;
      tokens.push(tag);
      i = end + 1;
    } else if (c === '&') {
      const e = readEntity(html.slice(i, i + 16));
      if ('error' in e) return { ok: false, message: `${e.error} (offset ${i})` };
      tokens.push({ kind: 'text', raw: e.raw, text: e.text });
      i += e.raw.length;
    } else if (c === '>') {
      return { ok: false, message: `a literal ">" must be escaped as &gt; (offset ${i})` };
    } else {
      let j = i + 1;
      while (j < html.length && html[j] !== '<' && html[j] !== '&' && html[j] !== '>') j++;
      const raw = html.slice(i, j);
      tokens.push({ kind: 'text', raw, text: raw });
      i = j;
    }
  }
  return { ok: true, tokens };
}

/** Attributes each supported tag may carry, and which of them it must carry. */
const TAGS: Record<string, { allowed: string[]; required?: string }> = {
  b: { allowed: [] },
  strong: { allowed: [] },
  i: { allowed: [] },
  em: { allowed: [] },
  u: { allowed: [] },
  ins: { allowed: [] },
  s: { allowed: [] },
  strike: { allowed: [] },
  del: { allowed: [] },
  'tg-spoiler': { allowed: [] },
  span: { allowed: ['class'], required: 'class' },
  a: { allowed: ['href'], required: 'href' },
  'tg-emoji': { allowed: ['emoji-id'], required: 'emoji-id' },
  code: { allowed: ['class'] },
  pre: { allowed: [] },
  blockquote: { allowed: ['expandable'] },
};

/** Checks one opening tag against Telegram's list and nesting rules, given the tags it sits in. */
function checkOpen(tok: Extract<HtmlToken, { kind: 'open' }>, stack: string[]): HtmlProblem | null {
  const spec = TAGS[tok.name];
  const tag = tok.name;
  if (!spec) return { ok: false, tag, message: `unsupported tag <${tag}>` };
  for (const [name, value] of Object.entries(tok.attrs)) {
    if (!spec.allowed.includes(name))
      return { ok: false, tag, message: `unsupported attribute "${name}" in <${tag}>` };
    if (name === 'expandable' && value !== true)
      return { ok: false, tag, message: '"expandable" takes no value' };
  }
  if (spec.required && typeof tok.attrs[spec.required] !== 'string')
    return { ok: false, tag, message: `<${tag}> needs a ${spec.required} attribute` };
  if (tag === 'span' && tok.attrs.class !== 'tg-spoiler')
    return { ok: false, tag, message: '<span> is only supported as <span class="tg-spoiler">' };
  if (tag === 'tg-emoji' && !/^\d+$/.test(String(tok.attrs['emoji-id'])))
    return { ok: false, tag, message: '<tg-emoji> needs a numeric emoji-id' };
  const parent = stack[stack.length - 1];
  if (tag === 'code' && tok.attrs.class !== undefined) {
    if (parent !== 'pre')
      return { ok: false, tag, message: 'a language class on <code> is only allowed inside <pre>' };
    if (!/^language-[\w+#.-]+$/.test(String(tok.attrs.class)))
      return { ok: false, tag, message: '<code> class must look like "language-python"' };
  }
  if (stack.includes('code') || (stack.includes('pre') && !(tag === 'code' && parent === 'pre')))
    return { ok: false, tag, message: `<${tag}> cannot be nested inside <pre> or <code>` };
  if (tag === 'blockquote' && stack.includes('blockquote'))
    return { ok: false, tag, message: '<blockquote> cannot be nested' };
  if (tag === 'a' && stack.includes('a')) return { ok: false, tag, message: '<a> cannot be nested' };
  if (tag === 'tg-emoji' && stack.includes('tg-emoji'))
    return { ok: false, tag, message: '<tg-emoji> cannot be nested' };
  return null;
}

/** Checks tokens for supported tags, allowed attributes, nesting and balance. */
export function validateTokens(tokens: HtmlToken[]): { ok: true } | HtmlProblem {
  const stack: string[] = [];
  for (const tok of tokens) {
    if (tok.kind === 'open') {
      const problem = checkOpen(tok, stack);
      if (problem) return problem;
      stack.push(tok.name);
    } else if (tok.kind === 'close') {
      if (!TAGS[tok.name]) return { ok: false, tag: tok.name, message: `unsupported tag </${tok.name}>` };
      const top = stack.pop();
      if (top !== tok.name)
        return {
          ok: false,
          tag: tok.name,
          message: top ? `</${tok.name}> closes <${top}>` : `</${tok.name}> has no opening tag`,
        };
    }
  }
  const open = stack[stack.length - 1];
  if (open) return { ok: false, tag: open, message: `<${open}> is never closed` };
  return { ok: true };
}

/** Says whether Telegram would accept this HTML, and if not, why (naming the tag when one is at fault). */
export function validateHtml(html: string): { ok: true } | HtmlProblem {
  const parsed = tokenizeHtml(html);
  return parsed.ok ? validateTokens(parsed.tokens) : parsed;
}

/** The text a reader sees once Telegram has parsed the HTML (tags gone, entities decoded); throws on invalid HTML. */
export function visibleText(html: string): string {
  const parsed = tokenizeHtml(html);
  if (!parsed.ok) throw new Error(`invalid Telegram HTML: ${parsed.message}`);
  return parsed.tokens.map((t) => (t.kind === 'text' ? t.text : '')).join('');
}
