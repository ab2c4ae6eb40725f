import { type HtmlToken, tokenizeHtml, validateTokens } from '../../channels/telegram/telegram.html.ts';
import { TemplateError } from './types.ts';

/**
 * Checks a Telegram HTML template's own markup (the text around `{{ }}` and `{% %}`) before any data is in it:
 * only Telegram's tags, properly nested and closed, bare < > & escaped. Outputs stand in as plain text, tags as
 * nothing, comments are dropped. Problems are reported at their line and column in the template source.
 */

const LIQUID = /\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}|\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

/** Line and column (1-based) of an offset in the source. */
export function position(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The literal markup, with a map from its offsets back to the source's. */
function literalMarkup(source: string): { text: string; toSource: (offset: number) => number } {
  const pieces: Array<{ at: number; from: number; length: number }> = [];
  let text = '';
  let last = 0;
  const keep = (from: number, to: number) => {
    pieces.push({ at: text.length, from, length: to - from });
    text += source.slice(from, to);
  };
  for (const m of source.matchAll(LIQUID)) {
    keep(last, m.index);
    // An output becomes one letter of text, so `<a href="{{ url }}">` still reads as an attribute value.
    if (m[0].startsWith('{{')) {
      pieces.push({ at: text.length, from: m.index, length: 1 });
      text += 'x';
    }
    last = m.index + m[0].length;
  }
  keep(last, source.length);
  const toSource = (offset: number) => {
    const p = pieces.findLast((q) => q.at <= offset) ?? pieces[0]!;
    return p.from + Math.min(offset - p.at, p.length);
  };
  return { text, toSource };
}

/** Offsets of each token in the text it was cut from (tokens cover the text exactly). */
function offsets(tokens: HtmlToken[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const t of tokens) {
    out.push(at);
    at += t.raw.length;
  }
  return out;
}

/** Throws TemplateError at the first markup problem of a Telegram HTML template source. */
export function checkTelegramMarkup(source: string, path: string): void {
  const { text, toSource } = literalMarkup(source);
  const fail: (message: string, offset: number | undefined) => never = (message, offset) => {
    if (offset === undefined) throw new TemplateError(`invalid Telegram HTML: ${message}`, path);
    const { line, column } = position(source, toSource(offset));
    const clean = message.replace(/ \(?(?:at )?offset \d+\)?/, '');
    throw new TemplateError(
      `invalid Telegram HTML: ${clean} (line ${line}, column ${column})`,
      path,
      line,
      column,
    );
  };
  const parsed = tokenizeHtml(text);
  if (!parsed.ok) {
    const at = /offset (\d+)/.exec(parsed.message)?.[1];
    const tagAt = parsed.tag ? text.search(new RegExp(`</?${parsed.tag}\\b`, 'i')) : -1;
    fail(parsed.message, at !== undefined ? Number(at) : tagAt >= 0 ? tagAt : undefined);
  }
  const whole = validateTokens(parsed.tokens);
  if (whole.ok) return;
  const starts = offsets(parsed.tokens);
  // The first token whose prefix fails for a reason other than "never closed" is the culprit.
  for (let k = 1; k <= parsed.tokens.length; k++) {
    const r = validateTokens(parsed.tokens.slice(0, k));
    if (!r.ok && !r.message.endsWith('is never closed')) fail(r.message, starts[k - 1]);
  }
  // Only an unclosed tag is left: point at the last opening of that tag.
  let at: number | undefined;
  parsed.tokens.forEach((t, i) => {
    if (t.kind === 'open' && t.name === whole.tag) at = starts[i];
  });
  fail(whole.message, at);
}
