import type { IncomingMessage } from 'node:http';
import { type Part, parseMultipart } from './multipart.ts';
import { badRequest, type Json, type UploadedFile } from './types.ts';

// Telegram takes JSON-serialized values for these fields when they arrive as form strings.
const JSON_FIELDS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'media',
  'allowed_updates',
  'reply_parameters',
  'link_preview_options',
  'commands',
  'scope',
]);
const NUMBER_FIELDS = new Set([
  'chat_id',
  'from_chat_id',
  'message_id',
  'reply_to_message_id',
  'message_thread_id',
  'offset',
  'limit',
  'timeout',
  'max_connections',
  'duration',
  'width',
  'height',
  'cache_time',
]);
const BOOLEAN_FIELDS = new Set([
  'disable_notification',
  'protect_content',
  'drop_pending_updates',
  'disable_web_page_preview',
  'show_alert',
  'allow_sending_without_reply',
  'has_spoiler',
]);

/** Reads the whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses query, JSON, urlencoded or multipart parameters into one object; file parts become UploadedFile values. */
export async function parseParams(req: IncomingMessage, url: URL): Promise<Json> {
  const raw: Json = {};
  for (const [k, v] of url.searchParams) raw[k] = v;
  const body = await readBody(req);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length > 0) {
    if (type.startsWith('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw badRequest("can't parse JSON object");
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw badRequest('parameters must be a JSON object');
      }
      Object.assign(raw, parsed);
    } else if (type.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) raw[k] = v;
    } else if (type.startsWith('multipart/form-data')) {
      for (const part of parseMultipart(body, req.headers['content-type'] ?? '')) {
        raw[part.name] = part.filename === undefined ? part.data.toString('utf8') : toUpload(part);
      }
    }
  }
  return normalize(raw);
}

function toUpload(part: Part): UploadedFile {
  return {
    upload: true,
    field: part.name,
    filename: part.filename ?? part.name,
    contentType: part.contentType ?? 'application/octet-stream',
    size: part.data.length,
    bytes: Buffer.from(part.data),
  };
}

/** Turns form strings into the types Telegram would read them as. */
function normalize(raw: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') {
      out[k] = v;
    } else if (JSON_FIELDS.has(k)) {
      try {
        out[k] = JSON.parse(v);
      } catch {
        throw badRequest(`can't parse ${k} JSON object`);
      }
    } else if (NUMBER_FIELDS.has(k) && /^-?\d+$/.test(v)) {
      out[k] = Number(v);
    } else if (BOOLEAN_FIELDS.has(k)) {
      out[k] = v === 'true' || v === '1';
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** True for a file part produced by parseParams. */
export function isUpload(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && (value as { upload?: unknown }).upload === true;
}
