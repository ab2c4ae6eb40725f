import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Http, HttpDeps } from '../server.ts';

/** Where `npm run build:web` (and the package's `prepare` script) puts the operator app. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../../web/dist', import.meta.url));

/**
 * Path prefixes owned by the server. An unknown path under one of them is a JSON 404 rather than the app's page,
 * so an API client with a typo never receives HTML. Keep in step with the routes registered in server.ts.
 */
export const SERVER_PREFIXES = ['/api', '/webhooks', '/r/', '/p/', '/metrics', '/health', '/setup'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/**
 * The app renders customer text as text, but a second line of defence costs nothing: no inline scripts, no foreign
 * origins. Attachments are shown from blob: URLs (they need the bearer token), so img/media allow blob:.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Shown instead of the app when it was never built (install scripts skipped); start-up never builds it. */
export const WEB_NOT_BUILT_PAGE = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Switchboard</title>
<style>body{font:16px system-ui,sans-serif;max-width:560px;margin:3em auto;padding:0 1em;line-height:1.5}
code{background:#eee;padding:.1em .3em;border-radius:3px}</style></head>
<body><h1>Switchboard</h1>
<p>Веб-приложение не собрано. Выполните в папке Switchboard <code>npm run build:web</code> и обновите страницу.</p>
<p lang="en">The web app is not built. Run <code>npm run build:web</code> in the Switchboard folder, then reload this page.</p>
<p>API: <a href="/api/docs">/api/docs</a></p></body></html>`;

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The file under `root` a URL path names, or null when the path escapes it or is malformed. */
export function fileForPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return file.startsWith(root + path.sep) ? file : null;
}

function sendFile(reply: FastifyReply, file: string, cacheControl: string) {
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return reply
    .header('content-type', type)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff')
    .send(createReadStream(file));
}

/**
 * Serves the built operator app from `distDir`: its files, and index.html for every other path outside the server's
 * own prefixes (the app routes in the browser). Hashed assets are cached for good; everything else is revalidated, so a
 * rebuilt app shows on the next reload.
 */
export function webAppRoutesFor(distDir: string) {
  const root = path.resolve(distDir);
  const indexFile = path.join(root, 'index.html');

  return async function webAppRoutes(app: Http, _deps: HttpDeps) {
    const serve = async (req: FastifyRequest, reply: FastifyReply) => {
      const urlPath = req.url.split('?')[0] ?? '/';
      if (SERVER_PREFIXES.some((p) => urlPath === p.replace(/\/$/, '') || urlPath.startsWith(p))) {
        return reply.callNotFound();
      }
      if (!(await isFile(indexFile))) {
        return reply.status(503).header('content-type', 'text/html; charset=utf-8').send(WEB_NOT_BUILT_PAGE);
      }
      const file = urlPath === '/' ? null : fileForPath(root, urlPath);
      if (file && file !== indexFile && (await isFile(file))) {
        const immutable = urlPath.startsWith('/assets/');
        return sendFile(reply, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      }
      // A missing file (a stale asset name, a typo) is a 404, not the app: a script tag must never get HTML.
      if (path.posix.extname(urlPath) !== '') return reply.callNotFound();
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      return sendFile(reply, indexFile, 'no-cache');
    };
    app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, serve);
  };
}

/** The operator app at `/`, built into web/dist. */
export const webAppRoutes = webAppRoutesFor(WEB_DIST_DIR);
