/**
 * Content-Disposition for serving stored files (RFC 6266 with an RFC 5987 `filename*`): a plain-ASCII `filename`
 * for old clients and the exact UTF-8 name for the rest. Nothing from the name can end the header or the quoted
 * string: quotes, backslashes, control characters and non-ASCII become `_` in the fallback.
 */
export function contentDisposition(type: 'inline' | 'attachment', fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  // encodeURIComponent leaves ' ( ) * unescaped; RFC 5987's attr-char does not allow them.
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Types a browser may show in the page rather than download: media it renders without running anything.
 * SVG is an image that can carry script, so it is downloaded like any other document.
 */
export function servesInline(mimeType: string): boolean {
  if (mimeType === 'image/svg+xml') return false;
  return /^(image|video|audio)\//.test(mimeType);
}
