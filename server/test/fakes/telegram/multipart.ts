/** One part of a multipart/form-data body. */
export interface Part {
  readonly name: string;
  /** Present for file parts. */
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

/**
 * Parses multipart/form-data leniently, as Telegram's server does: grammY writes headers without a space after the colon
 * and unquoted filenames, which undici's strict FormData parser refuses.
 */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // The part ends with CRLF before the next delimiter.
    const end = body.subarray(next - 2, next).toString() === '\r\n' ? next - 2 : next;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd >= 0 && headerEnd < end) {
      const part = toPart(
        body.subarray(start, headerEnd).toString('utf8'),
        body.subarray(headerEnd + 4, end),
      );
      if (part) parts.push(part);
    }
    pos = next;
  }
  return parts;
}

function toPart(rawHeaders: string, data: Buffer): Part | null {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of rawHeaders.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-type') contentType = value;
    if (key !== 'content-disposition') continue;
    for (const param of value.split(';').slice(1)) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const k = param.slice(0, eq).trim().toLowerCase();
      const v = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/s, '$1');
      if (k === 'name') name = v;
      if (k === 'filename') filename = v;
    }
  }
  if (name === undefined) return null;
  return {
    name,
    data,
    ...(filename !== undefined ? { filename } : {}),
    ...(contentType ? { contentType } : {}),
  };
}
