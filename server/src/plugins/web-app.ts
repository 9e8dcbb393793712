import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build -w server/web` writes the app. */
export const DEFAULT_WEB_APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

/**
 * The web app's Content-Security-Policy. Scripts only from this server (no inline script, no eval); requests only to
 * this server's API. Styles also allow inline: @wordpress/components inject their styles at run time (emotion,
 * style-runtime) and set style attributes, so they cannot be listed ahead of time; a style cannot run code.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>IGNY8</title></head><body>
<h1>The IGNY8 web app is not built</h1>
<p>Run <code>npm run build -w server/web</code> (or <code>npm ci</code>, which builds it) and reload this page.</p>
</body></html>`;

function page(reply: FastifyReply, html: string, status = 200) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('content-security-policy', WEB_APP_CSP)
    .send(html);
}

/**
 * Serves the web app at /app: files under /app/assets have content hashes in their names and are cached for a year;
 * index.html is never cached, so a new release is picked up on the next load; every other /app path that is not a
 * file is a screen of the app and answers index.html (the app's router takes it from there).
 */
export async function webAppPlugin(app: FastifyInstance, options: { dir?: string | undefined }) {
  const dir = options.dir ?? DEFAULT_WEB_APP_DIR;
  const indexFile = join(dir, 'index.html');
  const built = existsSync(indexFile);
  const indexHtml = built ? readFileSync(indexFile, 'utf8') : NOT_BUILT;

  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', WEB_APP_CSP);
    });
    if (built) {
      await scope.register(fastifyStatic, {
        root: dir,
        prefix: '/app/',
        decorateReply: false,
        index: false,
        wildcard: false,
        globIgnore: ['**/index.html', '**/.vite/**', '**/size-report.json'],
        setHeaders: (reply, path) => {
          reply.header(
            'cache-control',
            path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    }
    // Not logged per request: links from mails carry single-use tokens in the query (/app/reset-password?token=).
    const routeConfig = { schema: { hide: true }, logLevel: 'warn' as const };
    scope.get('/app', routeConfig, async (_request, reply) => reply.redirect('/app/', 308));
    scope.get('/app/*', routeConfig, async (request, reply) => {
      // A missing hashed file is a 404, not the app: a stale page must not get HTML for its script.
      if (request.url.startsWith('/app/assets/')) {
        return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found');
      }
      return page(reply, indexHtml, built ? 200 : 503);
    });
  });
}
