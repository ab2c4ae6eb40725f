import { type HtmlToken, tokenizeHtml, validateTokens } from './telegram.html.ts';

/**
 * Splitting HTML text to fit Telegram's limits: 4096 characters of text, 1024 of caption, both counted
 * "after entities parsing", i.e. on the visible text. Telegram measures text in UTF-16 code units (its
 * entity offsets are UTF-16), and a UTF-16 count is never smaller than a code point count, so counting
 * UTF-16 units is right if Telegram counts either way. Tags cost nothing; an entity costs its decoded length.
 */

/** Telegram's limit for message text, in UTF-16 code units of visible text. */
export const TEXT_LIMIT = 4096;
/** Telegram's limit for media captions (non-premium bots). */
export const CAPTION_LIMIT = 1024;

/** Smallest unit we never cut inside: a grapheme of plain text, one entity, or one tag. */
type Atom =
  | { kind: 'text'; raw: string; len: number; space: boolean; newlines: number }
  | { kind: 'open'; raw: string; name: string }
  | { kind: 'close'; raw: string; name: string };

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/**
 * Text in which every UTF-16 unit is a grapheme of its own (Latin, Greek, Cyrillic, punctuation; no surrogates,
 * combining marks, joiners or variation selectors): split per unit, as the segmenter is ~50x slower.
 */
const COMPLEX = /[^\t\n\r\u0020-\u02FF\u0370-\u0482\u048A-\u052F\u2000-\u200B\u2010-\u206F\u20A0-\u20CF]/;

/** Turns tokens into atoms; graphemes keep emoji (surrogate pairs, ZWJ sequences, flags) whole. */
function atomize(tokens: HtmlToken[]): Atom[] {
  const atoms: Atom[] = [];
  const textAtom = (raw: string, text: string): Atom => ({
    kind: 'text',
    raw,
    len: text.length,
    space: /^\s+$/.test(text),
    newlines: text.split('\n').length - 1,
  });
  for (const t of tokens) {
    if (t.kind !== 'text') atoms.push(t);
    else if (t.raw !== t.text) atoms.push(textAtom(t.raw, t.text));
    else if (!COMPLEX.test(t.raw)) for (const c of t.raw) atoms.push(textAtom(c, c));
    else
      for (const { segment } of graphemes.segment(t.raw)) {
        // A pathological "grapheme" (hundreds of combining marks) is cut by code point so it can never outgrow a part.
        if (segment.length <= 16) atoms.push(textAtom(segment, segment));
        else for (const cp of segment) atoms.push(textAtom(cp, cp));
      }
  }
  return atoms;
}

/** The tags open just before atom `index`, outermost first. */
function openAt(atoms: Atom[], index: number): Extract<Atom, { kind: 'open' }>[] {
  const stack: Extract<Atom, { kind: 'open' }>[] = [];
  for (let k = 0; k < index; k++) {
    const a = atoms[k]!;
    if (a.kind === 'open') stack.push(a);
    else if (a.kind === 'close') stack.pop();
  }
  return stack;
}

/** A place to cut: the head keeps atoms before `from`, the tail starts at `to`; whitespace between is dropped. */
interface Cut {
  from: number;
  to: number;
}

/** Picks where to cut so the head fits `limit`: paragraph, then line, then word boundary, else a hard cut. */
function chooseCut(atoms: Atom[], limit: number): Cut | null {
  let used = 0;
  let end = 0; // atoms[0..end) fit
  for (; end < atoms.length; end++) {
    const a = atoms[end]!;
    if (a.kind === 'text') {
      if (used + a.len > limit) break;
      used += a.len;
    }
  }
  if (end === atoms.length) return null;
  // Only for absurdly small limits: a single grapheme wider than the limit still has to go somewhere.
  if (!atoms.slice(0, end).some((a) => a.kind === 'text')) end++;
  const inEmoji = emojiMask(atoms, end);

  // Whitespace runs inside the fitting window, with how many newlines each holds and where they start.
  const runs: { from: number; to: number; at: number; newlines: number }[] = [];
  let pos = 0;
  for (let k = 0; k < end; k++) {
    const a = atoms[k]!;
    if (a.kind === 'text' && a.space) {
      let j = k;
      let newlines = 0;
      while (j < atoms.length) {
        const b = atoms[j]!;
        if (b.kind !== 'text' || !b.space) break;
        newlines += b.newlines;
        j++;
      }
      if (pos > 0 && j < atoms.length && !inEmoji[k]) runs.push({ from: k, to: j, at: pos, newlines });
      for (let m = k; m < j && m < end; m++) pos += (atoms[m] as { len: number }).len;
      k = j - 1;
    } else if (a.kind === 'text') pos += a.len;
  }
  const half = limit / 2;
  for (const minNewlines of [2, 1, 0]) {
    const best = runs.filter((r) => r.newlines >= minNewlines && r.at >= half).pop();
    if (best) return { from: best.from, to: best.to };
  }
  const anyRun = runs.pop();
  if (anyRun) return { from: anyRun.from, to: anyRun.to };
  // One word longer than the limit: cut it hard, but never inside a custom emoji.
  let hard = end;
  while (hard > 0 && inEmoji[hard]) hard--;
  if (!atoms.slice(0, hard).some((a) => a.kind === 'text')) hard = end;
  return { from: hard, to: hard };
}

/** For each index up to `end`: whether a cut before that atom falls inside a <tg-emoji>, whose content must stay whole. */
function emojiMask(atoms: Atom[], end: number): boolean[] {
  const mask: boolean[] = [];
  let depth = 0;
  for (let k = 0; k <= end; k++) {
    mask.push(depth > 0);
    const a = atoms[k];
    if (a?.kind === 'open' && a.name === 'tg-emoji') depth++;
    else if (a?.kind === 'close' && a.name === 'tg-emoji') depth--;
  }
  return mask;
}

/** Drops elements left empty by a cut (`<b></b>`), which carry nothing and only risk a rejection. */
function serialize(atoms: Atom[]): string {
  const out: Atom[] = [];
  for (const a of atoms) {
    const last = out[out.length - 1];
    if (a.kind === 'close' && last?.kind === 'open') out.pop();
    else out.push(a);
  }
  return out.map((a) => a.raw).join('');
}

/** Whether the atoms show anything but whitespace (Telegram trims text and refuses an empty message). */
function hasContent(atoms: Atom[]): boolean {
  return atoms.some((a) => a.kind === 'text' && !a.space);
}

/** What is left to split: tags to reopen, then atoms from `start` on. */
interface Rest {
  reopen: Atom[];
  start: number;
}

/**
 * Cuts once: the head fits `limit` with its open tags closed; the rest reopens them. Null rest if all fits.
 * Only a window a little past the limit is examined, so splitting stays linear in the input.
 */
function cutOnce(atoms: Atom[], rest: Rest, limit: number): { head: Atom[]; rest: Rest | null } {
  const window = [...rest.reopen];
  let used = 0;
  for (let k = rest.start; k < atoms.length; k++) {
    const a = atoms[k]!;
    window.push(a);
    // Stop on the first non-blank atom past the limit: whitespace runs at the fit's edge are then complete.
    if (a.kind !== 'text') continue;
    used += a.len;
    if (used > limit && !a.space) break;
  }
  const cut = chooseCut(window, limit);
  if (!cut) return { head: window, rest: null };
  const open = openAt(window, cut.from);
  const closers = open.map((o): Atom => ({ kind: 'close', raw: `</${o.name}>`, name: o.name })).reverse();
  // A cut always lies after the reopened tags (the head holds at least one text atom).
  const start = rest.start + cut.to - rest.reopen.length;
  return { head: [...window.slice(0, cut.from), ...closers], rest: { reopen: open, start } };
}

/** Parses and validates; splitting is only defined for HTML Telegram would accept. */
function parse(html: string): Atom[] {
  const parsed = tokenizeHtml(html);
  const valid = parsed.ok ? validateTokens(parsed.tokens) : parsed;
  if (!valid.ok || !parsed.ok) throw new Error(`invalid Telegram HTML: ${valid.ok ? '' : valid.message}`);
  return atomize(parsed.tokens);
}

/** Splits the atoms into parts of at most `limit` visible units, skipping parts that would show nothing. */
function splitAtoms(atoms: Atom[], from: Rest, limit: number): string[] {
  const parts: string[] = [];
  let rest: Rest | null = from;
  while (rest) {
    const cut: { head: Atom[]; rest: Rest | null } = cutOnce(atoms, rest, limit);
    if (hasContent(cut.head)) parts.push(serialize(cut.head));
    rest = cut.rest;
  }
  return parts;
}

/**
 * Splits valid Telegram HTML into messages of at most `limit` visible UTF-16 units, on paragraph, then line,
 * then word boundaries (taken in the second half of a part when possible), never inside a tag, an entity
 * or a grapheme; tags open at a cut are closed at the end of the part and reopened at the start of the next.
 * Throws on HTML that validateHtml refuses.
 */
export function splitHtml(html: string, limit: number = TEXT_LIMIT): string[] {
  return splitAtoms(parse(html), { reopen: [], start: 0 }, limit);
}

/** Splits a caption: what fits in `captionLimit` stays the caption, the rest becomes following text messages. */
export function splitCaption(
  html: string,
  captionLimit: number = CAPTION_LIMIT,
  textLimit: number = TEXT_LIMIT,
): { caption: string; rest: string[] } {
  const atoms = parse(html);
  let rest: Rest = { reopen: [], start: 0 };
  // Leading blank parts cannot be a caption; skip past them so the caption shows something when anything exists.
  for (;;) {
    const cut = cutOnce(atoms, rest, captionLimit);
    if (hasContent(cut.head) || !cut.rest) {
      const caption = hasContent(cut.head) ? serialize(cut.head) : '';
      return { caption, rest: cut.rest ? splitAtoms(atoms, cut.rest, textLimit) : [] };
    }
    rest = cut.rest;
  }
}
