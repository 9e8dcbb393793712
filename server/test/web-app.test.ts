import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_APP_CSP } from '../src/plugins/web-app.ts';
import { createTestApp, type TestContext } from './helpers/app.ts';

/** How the server serves the web app's build at /app: cache headers, the SPA fallback and the CSP. */

let t: TestContext;
let missing: TestContext;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'igny8-web-'));
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, '.vite'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><div id="root"></div><script src="/app/assets/index-Ab12.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'index-Ab12.js'), 'console.log(1)');
  writeFileSync(join(dir, '.vite', 'manifest.json'), '{}');
  writeFileSync(join(dir, 'robots.txt'), 'User-agent: *\nDisallow: /app/\n');
  t = await createTestApp({ WEB_APP_DIR: dir });
  missing = await createTestApp({ WEB_APP_DIR: join(dir, 'nope') });
});
afterAll(async () => {
  await t?.close();
  await missing?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the web app at /app', () => {
  it('caches hashed assets for a year', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/app/assets/index-Ab12.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
  });

  it('answers index.html, never cached and with the strict CSP, for every screen path', async () => {
    for (const url of [
      '/app/',
      '/app/sites',
      '/app/sites/7d4c/jobs?x=1',
      '/app/connect?site_url=https%3A%2F%2Fa.example',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(WEB_APP_CSP);
    }
    const csp = WEB_APP_CSP.split('; ');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(WEB_APP_CSP).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval)/);
  });

  it('redirects /app to /app/ and serves other built files without caching them', async () => {
    const bare = await t.app.inject({ method: 'GET', url: '/app' });
    expect(bare.statusCode).toBe(308);
    expect(bare.headers.location).toBe('/app/');
    const robots = await t.app.inject({ method: 'GET', url: '/app/robots.txt' });
    expect(robots.statusCode).toBe(200);
    expect(robots.headers['cache-control']).toBe('no-cache');
  });

  it('answers 404 for a missing asset instead of the page, and never serves the build manifest', async () => {
    const asset = await t.app.inject({ method: 'GET', url: '/app/assets/index-Old9.js' });
    expect(asset.statusCode).toBe(404);
    expect(asset.body).not.toContain('<div id="root">');
    const manifest = await t.app.inject({ method: 'GET', url: '/app/.vite/manifest.json' });
    expect(manifest.body).not.toContain('{}');
  });

  it('says how to build the app when there is no build', async () => {
    const res = await missing.app.inject({ method: 'GET', url: '/app/sites' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build -w server/web');
  });

  it('leaves the API to the API', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/sites' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ success: false, code: 'UNAUTHENTICATED' });
  });
});
