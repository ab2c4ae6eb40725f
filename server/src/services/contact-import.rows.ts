import { parse as parseSync } from 'csv-parse/sync';
import type { FieldProblem } from '../lib/errors.ts';
import { normalizeContactFields, type RawContactFields } from './contact-fields.ts';

/**
 * Pure CSV ↔ contact mapping shared by import and export: header, delimiter, one row → fields.
 * No I/O here, so every rule is unit-tested without a database.
 */

/** Contact columns a file may carry, in export order; `attr.<name>` columns come on top. */
export const CONTACT_COLUMNS = [
  'external_id',
  'name',
  'first_name',
  'last_name',
  'username',
  'phone',
  'email',
  'language',
  'timezone',
  'birthday',
  'tags',
  'telegram_id',
] as const;
export type ContactColumn = (typeof CONTACT_COLUMNS)[number];

/** Where the contact columns land (camelCase field names of RawContactFields). */
const FIELD_OF: Record<Exclude<ContactColumn, 'tags' | 'telegram_id'>, keyof RawContactFields> = {
  external_id: 'externalId',
  name: 'name',
  first_name: 'firstName',
  last_name: 'lastName',
  username: 'username',
  phone: 'phone',
  email: 'email',
  language: 'language',
  timezone: 'timezone',
  birthday: 'birthday',
};

// The same length limits as the API's ContactInput schema, so import accepts exactly what the API accepts.
const MAX_LENGTH: Partial<Record<ContactColumn, number>> = {
  external_id: 200,
  name: 200,
  first_name: 100,
  last_name: 100,
  username: 100,
  phone: 40,
  email: 320,
  language: 10,
  timezone: 64,
  birthday: 10,
  telegram_id: 20,
};
const MAX_TAGS = 100;
const MAX_ATTRIBUTE_NAME = 100;
const MAX_ATTRIBUTE_VALUE = 10_000;

/** One header cell: a known contact column or a custom attribute. */
export type ColumnSpec = { kind: 'field'; column: ContactColumn } | { kind: 'attribute'; name: string };

/** The parsed header: one spec per cell, in file order. */
export interface Header {
  columns: ColumnSpec[];
  hasTelegramId: boolean;
}

/** Picks `;` or `,` from the header line: whichever occurs more outside quotes (ties and none → comma). */
export function detectDelimiter(firstBytes: Buffer | string): ',' | ';' {
  const text = typeof firstBytes === 'string' ? firstBytes : firstBytes.toString('utf8');
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/**
 * The header line of a file from its first bytes: delimiter and cells. Null when the bytes hold no complete
 * line yet (`complete` says the file ends there, so what there is, is the header).
 */
export function readHeader(
  firstBytes: Buffer,
  complete: boolean,
): { delimiter: ',' | ';'; cells: string[] } | null {
  const text = firstBytes.toString('utf8').replace(/^\uFEFF/, '');
  const end = text.search(/\r?\n/);
  if (end === -1 && !complete) return null;
  const line = end === -1 ? text : text.slice(0, end);
  const delimiter = detectDelimiter(line);
  if (line.trim() === '') return { delimiter, cells: [] };
  const [cells] = parseSync(line, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][];
  return { delimiter, cells: cells ?? [] };
}

/**
 * Maps header cells to columns. Unknown, empty and duplicate names are all reported at once, each
 * naming the column, so the uploader fixes the file in one go (the upload is refused, nothing is written).
 */
export function parseHeader(cells: string[]): { header: Header; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const columns: ColumnSpec[] = [];
  const seen = new Set<string>();
  cells.forEach((raw, i) => {
    const cell = raw.trim();
    const lower = cell.toLowerCase();
    let spec: ColumnSpec | null = null;
    if (lower.startsWith('attr.')) {
      const name = cell.slice(5).trim();
      if (name === '' || name.length > MAX_ATTRIBUTE_NAME)
        problems.push({
          path: `/columns/${i + 1}`,
          message: `attribute name must be 1-100 characters: "${cell}"`,
        });
      else spec = { kind: 'attribute', name };
    } else if ((CONTACT_COLUMNS as readonly string[]).includes(lower)) {
      spec = { kind: 'field', column: lower as ContactColumn };
    } else {
      problems.push({
        path: `/columns/${cell === '' ? i + 1 : cell}`,
        message: cell === '' ? `column ${i + 1} has no name` : `unknown column "${cell}"`,
      });
    }
    if (!spec) return;
    const key = spec.kind === 'field' ? spec.column : `attr.${spec.name}`;
    if (seen.has(key)) problems.push({ path: `/columns/${cell}`, message: `column "${cell}" appears twice` });
    seen.add(key);
    columns.push(spec);
  });
  return { header: { columns, hasTelegramId: seen.has('telegram_id') }, problems };
}

/** A valid row, ready for the upsert; `null` means "the file says nothing, keep what the contact has". */
export interface ImportRow {
  line: number;
  externalId: string | null;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  phone: string | null;
  email: string | null;
  language: string | null;
  timezone: string | null;
  birthday: string | null;
  tags: string[] | null;
  attributes: Record<string, string | number | boolean> | null;
  telegramId: string | null;
}

/** A row that cannot be imported, with the reason the user sees next to its line number. */
export interface RejectedRow {
  line: number;
  reason: string;
}

/**
 * Typed attribute cells: plain decimal numbers become numbers (but not "007" or "+7…", which would lose
 * their zeros or sign, nor integers beyond 2^53), true/false (any case) become booleans, the rest stay strings.
 */
export function attributeValue(cell: string): string | number | boolean {
  const lower = cell.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (/^-?(0|[1-9]\d{0,14})(\.\d{1,15})?$/.test(cell)) {
    const n = Number(cell);
    if (Number.isFinite(n) && (cell.includes('.') || Number.isSafeInteger(n))) return n;
  }
  return cell;
}

/** Splits a tags cell on `|` or `,`. */
export function splitTags(cell: string): string[] {
  return cell.split(/[|,]/);
}

/** One CSV record → a normalised row or a rejection; `line` is where the record starts in the file. */
export function mapRow(cells: string[], header: Header, line: number): ImportRow | RejectedRow {
  const expected = header.columns.length;
  if (cells.length !== expected)
    return { line, reason: `has ${cells.length} fields, the header has ${expected}` };
  if (cells.every((c) => c.trim() === '')) return { line, reason: 'the row is empty' };
  const raw: RawContactFields = {};
  const problems: string[] = [];
  let attributes: ImportRow['attributes'] = null;
  let telegramId: string | null = null;
  header.columns.forEach((spec, i) => {
    const cell = cells[i]!.trim();
    if (cell === '') return;
    if (spec.kind === 'attribute') {
      if (cell.length > MAX_ATTRIBUTE_VALUE)
        problems.push(`attr.${spec.name}: longer than ${MAX_ATTRIBUTE_VALUE} characters`);
      else {
        attributes = attributes ?? {};
        attributes[spec.name] = attributeValue(cell);
      }
      return;
    }
    const max = MAX_LENGTH[spec.column];
    if (max !== undefined && cell.length > max) {
      problems.push(`${spec.column}: longer than ${max} characters`);
      return;
    }
    if (spec.column === 'tags') {
      raw.tags = splitTags(cell);
    } else if (spec.column === 'telegram_id') {
      // Telegram user and chat ids are integers (chats negative); anything else is a typo.
      if (/^-?\d{1,19}$/.test(cell)) telegramId = cell;
      else problems.push(`telegram_id: not a Telegram id (digits): "${cell}"`);
    } else {
      raw[FIELD_OF[spec.column]] = cell as never;
    }
  });
  const { value, problems: fieldProblems } = normalizeContactFields(raw);
  for (const p of fieldProblems) problems.push(`${columnOf(p.path)}: ${p.message}`);
  if (value.tags && value.tags.length > MAX_TAGS) problems.push(`tags: more than ${MAX_TAGS} tags`);
  if (problems.length) return { line, reason: problems.join('; ') };
  return {
    line,
    externalId: value.externalId ?? null,
    name: value.name ?? null,
    firstName: value.firstName ?? null,
    lastName: value.lastName ?? null,
    username: value.username ?? null,
    phone: value.phone ?? null,
    email: value.email ?? null,
    language: value.language ?? null,
    timezone: value.timezone ?? null,
    birthday: value.birthday ?? null,
    tags: value.tags?.length ? value.tags : null,
    attributes,
    telegramId,
  };
}

/** True when mapRow rejected the record. */
export function isRejected(r: ImportRow | RejectedRow): r is RejectedRow {
  return 'reason' in r;
}

/** `/firstName` (the API's field path) → `first_name` (the CSV column the user wrote). */
function columnOf(path: string): string {
  const field = path.replace(/^\//, '');
  const hit = Object.entries(FIELD_OF).find(([, f]) => f === field);
  return hit ? hit[0] : field;
}

/** The line a record starts on: csv-parse reports where it ends, so subtract the newlines quoted inside it. */
export function startLine(endLine: number, cells: string[]): number {
  let inner = 0;
  for (const c of cells) {
    for (let at = c.indexOf('\n'); at !== -1; at = c.indexOf('\n', at + 1)) inner++;
  }
  return endLine - inner;
}
