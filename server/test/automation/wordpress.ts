// Real WordPress sites for the automation fault tests: one harness (scripts/wp/harness.mjs) per site, beside the
// publisher tests' own. Site n uses the folder `${PUBLISHER_WP_HARNESS_DIR}-automation-n` and the ports
// PUBLISHER_WP_PORT + n and PUBLISHER_WP_DB_PORT + n, so they never wait for the publisher tests' turn. The chaos run
// takes n = 11, 12, ... (8904 and 3330 up by default, clear of the e2e and demo sites), the fault tests n = 20.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WP_ENV, wpAdmin, type Harness } from '../publisher/helpers.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface Site extends Harness {
  dir: string;
}

/** Where site `n` lives and listens. */
export function siteEnv(n: number) {
  return {
    WP_HARNESS_DIR: `${WP_ENV.WP_HARNESS_DIR}-automation-${n}`,
    WP_PORT: String(Number(WP_ENV.WP_PORT) + n),
    WP_DB_PORT: String(Number(WP_ENV.WP_DB_PORT) + n),
  };
}

function harness(command: 'start' | 'stop', env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/wp/harness.mjs'), command], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000,
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('close', (status) =>
      status === 0 ? resolve(output) : reject(new Error(`WordPress harness ${command} failed:\n${output}`)),
    );
  });
}

/** Starts (idempotently) WordPress site `n` and answers its details. */
export async function startSite(n: number): Promise<Site> {
  const env = siteEnv(n);
  await harness('start', env);
  const details = JSON.parse(readFileSync(path.join(env.WP_HARNESS_DIR, 'wp-harness.json'), 'utf8')) as Harness;
  return { ...details, dir: env.WP_HARNESS_DIR };
}

/** Takes the site's web server down (its database stays up), as a crashed or unplugged host would be. */
export function stopWebServer(site: Site): void {
  const pgid = Number(readFileSync(path.join(site.dir, 'wp-php-server.pid'), 'utf8').trim());
  process.kill(-pgid, 'SIGKILL');
}

/** Brings the web server back (the harness starts what is not running). */
export async function restartWebServer(site: Site): Promise<void> {
  const n = Number(site.dir.slice(site.dir.lastIndexOf('-') + 1));
  await harness('start', siteEnv(n));
}

export interface WpItem {
  id: number;
  status: string;
  slug: string;
  title: string;
  contentId: string;
  sourceUrl: string;
}

/** Every post (any status, trash too) or attachment on the site, read as its admin over the REST API. */
export async function listAll(site: Harness, type: 'posts' | 'media'): Promise<WpItem[]> {
  const statuses = type === 'posts' ? ['publish,future,draft,pending,private', 'trash'] : ['inherit'];
  const all: WpItem[] = [];
  for (const status of statuses) {
    for (let page = 1; ; page++) {
      const res = await wpAdmin<any[]>(
        site,
        'GET',
        `wp/v2/${type}?context=edit&per_page=100&page=${page}&status=${status}&orderby=id&order=asc`,
      );
      if (res.status === 400 && page > 1) break; // past the last page
      if (res.status !== 200) throw new Error(`list ${type}: ${res.status} ${JSON.stringify(res.data).slice(0, 300)}`);
      for (const p of res.data) {
        all.push({
          id: p.id,
          status: p.status,
          slug: p.slug,
          title: p.title?.raw ?? '',
          contentId: p.meta?._igny8_content_id ?? '',
          sourceUrl: p.source_url ?? '',
        });
      }
      if (page >= Number(res.headers.get('x-wp-totalpages') ?? 1)) break;
    }
  }
  return all;
}
