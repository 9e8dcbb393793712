// Publisher tests run against a real WordPress (scripts/wp/harness.mjs) of their own: .data/publisher-wordpress on
// port 8893 (MariaDB 3319), so they never touch the development site (8881) or the e2e one (8891).
// PUBLISHER_WP_HARNESS_DIR (relative to the repository root), PUBLISHER_WP_PORT and PUBLISHER_WP_DB_PORT move it, so
// two checkouts can run these tests side by side. The test run stops it again when it started it
// (test/global-setup.ts). The site is connected to the test server for real: the admin's application password calls
// the plugin's own connect route with an account connection key, and the plugin registers with the server, which
// calls it back.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import pino from 'pino';
import { JobWorker } from '../../src/jobs/worker.ts';
import { mediaStorageFor } from '../../src/lib/media-storage.ts';
import type { TestContext } from '../helpers/app.ts';
import type { Member } from '../helpers/users.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const WP_ENV = {
  WP_HARNESS_DIR: path.resolve(ROOT, process.env.PUBLISHER_WP_HARNESS_DIR || path.join('.data', 'publisher-wordpress')),
  WP_PORT: process.env.PUBLISHER_WP_PORT || '8893',
  WP_DB_PORT: process.env.PUBLISHER_WP_DB_PORT || '3319',
};

export interface Harness {
  url: string;
  restUrl: string;
  users: { admin: { username: string; password: string; applicationPassword: string } };
}

const TURN_FILE = `${WP_ENV.WP_HARNESS_DIR}.test-turn`;
let holdingTurn = false;

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Test files run in parallel, and each file that uses this WordPress connects it to its own server: one file at a
 * time holds it (a file naming the holder's process), until `releaseWordPress()` or the end of its process.
 */
async function takeTurn(): Promise<void> {
  if (holdingTurn) return;
  mkdirSync(path.dirname(TURN_FILE), { recursive: true });
  for (;;) {
    try {
      writeFileSync(TURN_FILE, String(process.pid), { flag: 'wx' });
      holdingTurn = true;
      process.once('exit', releaseWordPress);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(TURN_FILE, 'utf8').trim() || 0);
    // A holder that is gone (a killed run) left it behind. An empty file is one being written.
    if (holder && !isRunning(holder)) rmSync(TURN_FILE, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Lets the next test file have the WordPress (see takeTurn). */
export function releaseWordPress(): void {
  if (!holdingTurn) return;
  holdingTurn = false;
  rmSync(TURN_FILE, { force: true });
}

/**
 * Starts (idempotently) the publisher tests' own WordPress and returns its details, once this test file has its
 * turn with it (released by `releaseWordPress()` in the file's afterAll, or when its process ends). Under a test run (or a bench
 * using scripts/lib/suite-guard.mjs), WP_HARNESS_STARTED_FILE records what this start launched, to be stopped at the
 * end; the harness refuses a port held by a process it did not start (another checkout's WordPress).
 */
export async function startWordPress(): Promise<Harness> {
  await takeTurn();
  // Not spawnSync: a start from nothing takes a minute or more, and a test worker whose event loop is blocked that
  // long misses vitest's RPC deadline ("Timeout calling onTaskUpdate").
  const run = await new Promise<{ status: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/wp/harness.mjs'), 'start'], {
      env: { ...process.env, ...WP_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000,
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', (err) => resolve({ status: null, output: `${output}${err.message}` }));
    child.once('close', (status) => resolve({ status, output }));
  });
  if (run.status !== 0) throw new Error(`WordPress harness failed:\n${run.output}`);
  return JSON.parse(readFileSync(path.join(WP_ENV.WP_HARNESS_DIR, 'wp-harness.json'), 'utf8')) as Harness;
}

/**
 * Test-only must-use plugin in the harness's WordPress (never in the product): lets a test pretend Yoast SEO or
 * Rank Math is active (the plugin's own `igny8_active_seo_plugin` filter, from an option the admin sets over REST)
 * and shows their meta keys in the REST API's edit context, so the copies the plugin makes can be read back.
 */
const SEO_MU_PLUGIN = `<?php
// Written by server/test/publisher/helpers.ts for the publisher tests. Not part of IGNY8.
add_filter( 'igny8_active_seo_plugin', static function ( $detected ) {
	$simulated = (string) get_option( 'igny8_test_seo_plugin', '' );
	return '' === $simulated ? $detected : ( 'none' === $simulated ? '' : $simulated );
} );
add_action( 'init', static function () {
	foreach ( array( '_yoast_wpseo_title', '_yoast_wpseo_metadesc', 'rank_math_title', 'rank_math_description' ) as $key ) {
		register_post_meta( 'post', $key, array(
			'type'          => 'string',
			'single'        => true,
			'show_in_rest'  => array( 'schema' => array( 'type' => 'string', 'context' => array( 'edit' ) ) ),
			'auth_callback' => static function () { return current_user_can( 'manage_options' ); },
		) );
	}
} );
add_action( 'rest_api_init', static function () {
	register_rest_route( 'igny8-test/v1', '/seo-plugin', array(
		'methods'             => 'POST',
		'permission_callback' => static function () { return current_user_can( 'manage_options' ); },
		'callback'            => static function ( WP_REST_Request $request ) {
			update_option( 'igny8_test_seo_plugin', (string) $request->get_param( 'plugin' ) );
			return array( 'plugin' => get_option( 'igny8_test_seo_plugin' ) );
		},
	) );
} );
`;

/** Installs the test-only SEO simulation must-use plugin (idempotent). */
export function installSeoSimulation(wp: Harness & { wordpressDir?: string }) {
  const dir = path.join(wp.wordpressDir ?? path.join(WP_ENV.WP_HARNESS_DIR, 'wordpress'), 'wp-content', 'mu-plugins');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'igny8-test-seo-simulation.php'), SEO_MU_PLUGIN);
}

/** A call to WordPress's REST API as its admin (application password). */
export async function wpAdmin<T = any>(
  wp: Harness,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; data: T; headers: Headers }> {
  const basic = Buffer.from(`${wp.users.admin.username}:${wp.users.admin.applicationPassword}`).toString('base64');
  const [p, q] = route.split('?');
  const res = await fetch(`${wp.url}/?rest_route=/${p}${q ? `&${q}` : ''}`, {
    method,
    headers: {
      authorization: `Basic ${basic}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // not JSON (front-end pages)
  }
  return { status: res.status, data: data as T, headers: res.headers };
}

/** The server on a real port (the plugin must reach it), with private site URLs allowed (loopback WordPress). */
export async function listen(t: TestContext): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

/** Connects the harness WordPress to `member`'s account on the server at `serverUrl`; returns the site id. */
export async function connectWordPress(t: TestContext, wp: Harness, member: Member, serverUrl: string) {
  const key = await t.app.inject({ method: 'POST', url: '/api/v1/connection-keys', headers: member.headers });
  if (key.statusCode !== 201) throw new Error(`connection key: ${key.body}`);
  // A previous run's connection (to a server that is gone) is forgotten first.
  await wpAdmin(wp, 'DELETE', 'igny8/v1/connection');
  const connected = await wpAdmin(wp, 'POST', 'igny8/v1/connection', {
    serverUrl,
    connectionKey: key.json().data.key,
  });
  if (connected.status !== 200) throw new Error(`connect: ${connected.status} ${JSON.stringify(connected.data)}`);
  const site = await t.db.prisma.site.findFirstOrThrow({ where: { accountId: member.accountId } });
  const existing = await t.db.prisma.sector.findFirst({ where: { siteId: site.id } });
  if (existing) return { siteId: site.id, sectorId: existing.id };
  const sector = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${site.id}/sectors`,
    headers: member.headers,
    payload: { name: 'Main' },
  });
  if (sector.statusCode !== 201) throw new Error(`sector: ${sector.body}`);
  return { siteId: site.id, sectorId: sector.json().data.id as string };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid RGB PNG (a gradient tinted by `seed`), so WordPress can make its thumbnails. */
export function png(width: number, height: number, seed = 0): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = (x * 255) / width;
      raw[row + 2 + x * 3] = (y * 255) / height;
      raw[row + 3 + x * 3] = (seed * 67 + x * y) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface SeedOptions {
  title?: string;
  sections?: { level: 'h2' | 'h3'; heading: string; html: string }[];
  faq?: { question: string; answer: string }[];
  inlineImages?: number;
  featured?: boolean;
  approved?: boolean;
  imageSize?: [number, number];
}

/**
 * An approved article as the Writer leaves it (task, content, one version, generated images stored in the media
 * storage), written straight into the database: text and image generation are other parts of the product.
 */
export async function seedContent(
  t: TestContext,
  member: Member,
  where: { siteId: string; sectorId: string },
  options: SeedOptions = {},
) {
  const prisma = t.db.prisma;
  const unique = crypto.randomUUID().slice(0, 8);
  const title = options.title ?? `Trail running shoes guide ${unique}`;
  const sections = options.sections ?? [
    {
      level: 'h2',
      heading: 'Why fit matters',
      html: '<p>A shoe that fits <strong>well</strong> prevents blisters.</p>',
    },
    {
      level: 'h2',
      heading: 'Cushioning',
      html: '<p>More cushioning protects on long runs.</p><ul><li>Foam</li><li>Plates</li></ul>',
    },
    { level: 'h3', heading: 'Drop', html: '<p>The heel-to-toe drop changes your stride.</p>' },
    { level: 'h2', heading: 'Trying them on', html: '<p>Try shoes on in the afternoon, when feet are larger.</p>' },
  ];
  const task = await prisma.task.create({
    data: {
      accountId: member.accountId,
      siteId: where.siteId,
      sectorId: where.sectorId,
      title,
      primaryKeyword: 'trail running shoes',
      secondaryKeywords: [],
      targetWordCount: 1200,
      status: options.approved === false ? 'review' : 'approved',
    },
  });
  const content = await prisma.content.create({
    data: {
      accountId: member.accountId,
      siteId: where.siteId,
      taskId: task.id,
      currentVersion: 1,
      approvedVersion: options.approved === false ? null : 1,
      approvedAt: options.approved === false ? null : new Date(),
      language: 'en',
      versions: {
        create: {
          number: 1,
          source: 'generated',
          title,
          seoTitle: `${title.slice(0, 40)} | SEO`,
          metaDescription: `Everything about ${title}: fit, cushioning and drop.`,
          slug: `trail-running-shoes-${unique}`,
          excerpt: 'How to choose trail running shoes.',
          sections,
          faq: options.faq ?? [],
          body: '',
          wordCount: 300,
        },
      },
    },
  });
  const storage = mediaStorageFor(t.config);
  const [w, h] = options.imageSize ?? [64, 48];
  const images: { id: string; role: string; position: number; altText: string }[] = [];
  const count = (options.featured === false ? 0 : 1) + (options.inlineImages ?? 2);
  for (let i = 0; i < count; i++) {
    const position = options.featured === false ? i + 1 : i;
    const id = crypto.randomUUID();
    const key = `${member.accountId}/${content.id}/${id}.png`;
    const bytes = png(w, h, i);
    await storage.put(key, bytes, 'image/png');
    const role = position === 0 ? 'featured' : 'inline';
    const altText = `${role} image ${position} of ${title}`;
    await prisma.contentImage.create({
      data: {
        id,
        accountId: member.accountId,
        contentId: content.id,
        role,
        position,
        prompt: 'a trail running shoe',
        altText,
        title: `Image ${position}`,
        status: 'generated',
        storage: 'local',
        storageKey: key,
        mimeType: 'image/png',
        bytes: bytes.length,
        width: w,
        height: h,
      },
    });
    images.push({ id, role, position, altText });
  }
  return { taskId: task.id, contentId: content.id, title, slug: `trail-running-shoes-${unique}`, images };
}

/** A job worker in this process (every product job type). */
export async function startWorker(t: TestContext, concurrency = 4): Promise<JobWorker> {
  const worker = new JobWorker(t.queue.boss, t.db.prisma, t.queue.registry, pino({ level: 'silent' }), {
    concurrency,
    pollingIntervalSeconds: 0.5,
    backstopPollingSeconds: 1,
  });
  await worker.start();
  return worker;
}

/** Polls a job until it has finished; returns its final row. */
export async function finished(t: TestContext, jobId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: jobId } });
    if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') return run;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Makes the publisher's jobs retry fast (the queue's policy; jobs take it when they are sent). */
export async function fastRetries(t: TestContext, retryLimit = 2) {
  for (const name of ['publisher.publish', 'publisher.unpublish']) {
    await t.queue.boss.updateQueue(name, { retryLimit, retryDelay: 1, retryBackoff: true, retryDelayMax: 2 });
  }
}
