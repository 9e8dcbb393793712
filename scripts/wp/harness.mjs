#!/usr/bin/env node
// A real local WordPress (Debian's 6.1 package) for development and tests, without Docker or wp-cli.
//
//   node scripts/wp/harness.mjs start|stop|reset|status      (npm run wp:start / wp:stop / wp:reset)
//
// Everything lives in the git-ignored .data/ folder of the repository:
//   .data/wordpress/        a copy of /usr/share/wordpress (cp -rL) with our wp-config.php, the must-use
//                           plugin igny8-offline.php and plugins/igny8 -> <repo>/wp-plugin (symlink)
//   .data/wp-mariadb/       a private MariaDB (data/, mysqld.sock, mariadbd.pid, mariadbd.log), TCP 127.0.0.1:WP_DB_PORT
//   .data/wp-logs/          php-server.log, debug.log (WP_DEBUG_LOG), mail.jsonl (every wp_mail, never sent),
//                           http-blocked.jsonl (outgoing HTTP to non-loopback hosts, blocked)
//   .data/wp-php-server.pid the process group of `php -S` (master + PHP_CLI_SERVER_WORKERS workers)
//   .data/wp-harness.json   URLs, users and passwords, ports, plugin state: what tests read
//
// Environment: WP_PORT (8881), WP_DB_PORT (3307), WP_ADMIN_PASSWORD, WP_EDITOR_PASSWORD, WP_AUTHOR_PASSWORD.
// start is idempotent (never reinstalls; when everything already runs it only reconciles and prints the info),
// stop is idempotent, reset = stop + delete the site and its database + start.
// Missing Debian packages are installed with apt-get when running as root (throwaway dev/CI machines).
//
// Processes: start refuses (and says who holds it) a WordPress or MariaDB port held by a process this harness did
// not start, e.g. a WordPress left running by another checkout: it never reuses one. A start that fails or is
// interrupted (SIGINT, SIGTERM, SIGHUP) stops the MariaDB and php -S it started itself. With
// WP_HARNESS_STARTED_FILE set, start appends one JSON line per process it starts ({ dir, what, pid, port }), and
// `stop-started FILE` later stops the harnesses listed there: test suites use that to stop exactly what they started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  describeProcess,
  isRunning,
  listProcesses,
  portHolders,
  processInfo,
  terminateSync,
} from '../lib/processes.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
// WP_HARNESS_DIR lets a second, independent WordPress run beside the development one (the e2e suite uses its own,
// with WP_PORT and WP_DB_PORT, so it never resets the site a developer is working on).
const DATA = process.env.WP_HARNESS_DIR ? resolve(process.env.WP_HARNESS_DIR) : join(ROOT, '.data');
const WP_DIR = join(DATA, 'wordpress');
const DB_DIR = join(DATA, 'wp-mariadb');
const LOG_DIR = join(DATA, 'wp-logs');
const PATHS = {
  router: join(HERE, 'router.php'),
  setup: join(HERE, 'setup-site.php'),
  muTemplate: join(HERE, 'igny8-offline.php'),
  plugin: join(ROOT, 'wp-plugin'),
  wpSource: '/usr/share/wordpress',
  dbData: join(DB_DIR, 'data'),
  dbSocket: join(DB_DIR, 'mysqld.sock'),
  dbPid: join(DB_DIR, 'mariadbd.pid'),
  dbLog: join(DB_DIR, 'mariadbd.log'),
  phpPid: join(DATA, 'wp-php-server.pid'),
  phpLog: join(LOG_DIR, 'php-server.log'),
  debugLog: join(LOG_DIR, 'debug.log'),
  mailLog: join(LOG_DIR, 'mail.jsonl'),
  httpLog: join(LOG_DIR, 'http-blocked.jsonl'),
  harnessJson: join(DATA, 'wp-harness.json'),
  lock: join(DATA, 'wp-harness.lock'),
};

const intEnv = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${name} must be a TCP port, got "${raw}"`);
  return n;
};
const PORT = intEnv('WP_PORT', 8881);
const DB_PORT = intEnv('WP_DB_PORT', 3307);
const URL_BASE = `http://127.0.0.1:${PORT}`;
const USERS = {
  admin: { username: 'admin', password: process.env.WP_ADMIN_PASSWORD || 'admin-password-123' },
  editor: { username: 'editor', password: process.env.WP_EDITOR_PASSWORD || 'editor-password-123' },
  author: { username: 'author', password: process.env.WP_AUTHOR_PASSWORD || 'author-password-123' },
};
const DB = { name: 'igny8_wp', user: 'igny8_wp', password: 'igny8-wp-db-password' };
const PHP_WORKERS = '4';
const SALT_KEYS = [
  'AUTH_KEY',
  'SECURE_AUTH_KEY',
  'LOGGED_IN_KEY',
  'NONCE_KEY',
  'AUTH_SALT',
  'SECURE_AUTH_SALT',
  'LOGGED_IN_SALT',
  'NONCE_SALT',
];
// Debian 12 (bookworm) names; PHP 8.2. The theme is only a Recommends of `wordpress` (WP 6.1's default theme).
const PACKAGES = [
  'php-cli',
  'php-mysql',
  'php-xml',
  'php-mbstring',
  'php-curl',
  'php-gd',
  'php-intl',
  'php-zip',
  'wordpress',
  'wordpress-theme-twentytwentythree',
  'phpunit',
];

// `wp:start | head` must not kill the harness halfway: ignore a closed stdout/stderr.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
const log = (msg) => console.log(`wp: ${msg}`);
function fail(msg) {
  console.error(`wp: ERROR: ${msg}`);
  process.exit(1);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isRoot = () => process.getuid?.() === 0;
const osUser = () => userInfo().username;
const rel = (p) => (p.startsWith(`${ROOT}/`) ? p.slice(ROOT.length + 1) : p);
const which = (cmd, extra = []) =>
  [...(process.env.PATH ?? '').split(':'), ...extra]
    .filter(Boolean)
    .map((d) => join(d, cmd))
    .find((p) => existsSync(p));
const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  return {
    ok: !r.error && r.status === 0,
    stdout: r.stdout ?? '',
    out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}`.trim(),
  };
}
function tail(file, lines = 25) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
function writeIfChanged(file, content, mode) {
  try {
    if (readFileSync(file, 'utf8') === content) return false;
  } catch {
    // missing: write it
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, mode ? { mode } : undefined);
  renameSync(tmp, file); // atomic: a running server never reads half a file
  return true;
}
const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

// ---------------------------------------------------------------- processes (Linux /proc)

const procCmdline = (pid) => processInfo(pid)?.argv ?? null;
const allProcs = listProcesses;
// A child we spawned that has exited stays a zombie (still "alive" for kill 0) until node reaps it.
const childGone = (child) => child.exitCode !== null || child.signalCode !== null;
// A zombie (exited, not yet reaped by its parent) counts as gone: it holds no port and no file.
const alive = (pid) => isRunning(pid);
async function waitGone(check, ms) {
  const deadline = Date.now() + ms;
  while (check()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}
const portOpen = (port) =>
  new Promise((res) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000, () => (socket.destroy(), res(false)));
    socket.once('connect', () => (socket.end(), res(true)));
    socket.once('error', () => res(false));
  });

// ---------------------------------------------------------------- what this invocation started

/** MariaDB and php -S processes this invocation started: stopped again when `start` fails or is interrupted. */
const startedHere = [];
let starting = false;
function recordStarted(what, child, port) {
  startedHere.push({ what, pid: child.pid, group: what === 'php' });
  const file = process.env.WP_HARNESS_STARTED_FILE;
  if (file) appendFileSync(file, `${JSON.stringify({ dir: DATA, what, pid: child.pid, port })}\n`);
}
function stopStartedHere() {
  if (!starting || startedHere.length === 0) return;
  console.error(`wp: start did not finish: stopping the ${startedHere.map((s) => s.what).join(' and ')} it started`);
  // php -S first (its requests use MariaDB), as a whole process group; MariaDB gets time for a clean shutdown.
  terminateSync(
    startedHere.filter((s) => s.what === 'php'),
    { graceMs: 10_000 },
  );
  terminateSync(
    startedHere.filter((s) => s.what === 'mariadb'),
    { graceMs: 60_000 },
  );
  rmSync(PATHS.phpPid, { force: true });
}
const STOPPING_COMMANDS = new Set(['stop', 'stop-started']);
// Registered before the lock's release (exit listeners run in order): nobody takes over a half-started harness.
process.on('exit', stopStartedHere);
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
]) {
  process.on(signal, () => {
    // A second Ctrl-C must not leave a half-stopped harness: stopping takes seconds, SIGTERM still ends it.
    if (signal !== 'SIGTERM' && STOPPING_COMMANDS.has(process.argv[2])) {
      console.error(`wp: ${signal}: still stopping, a moment`);
      return;
    }
    console.error(`wp: ${signal}, stopping`);
    process.exit(128 + number);
  });
}

/** Fails when `port` is held by a process `ours(process)` does not recognise: a port is never shared or reused. */
function refuseForeignHolder(port, what, envName, ours) {
  const held = portHolders([port]).get(port);
  if (!held) return;
  const foreign = held.pids.filter((p) => !ours(p));
  if (foreign.length === 0 && !held.hidden) return;
  const who = foreign.length
    ? foreign.map((p) => `  ${describeProcess(p)}`).join('\n')
    : '  a process of another user (not visible to this one)';
  fail(
    `port ${port} (${what}) is held by a process this harness did not start, so it is not used:\n${who}\n` +
      `  Stop that process (a WordPress or MariaDB left by another checkout: run \`node scripts/wp/harness.mjs stop\` ` +
      `there with its WP_HARNESS_DIR, or kill it), or give this harness another port with ${envName}.`,
  );
}

// ---------------------------------------------------------------- lock (parallel `wp:start`s)

async function withLock(fn, lockFile = PATHS.lock, what = 'another harness run') {
  mkdirSync(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + 300_000;
  let said = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockFile, 'utf8') || 0);
      if (!owner || !alive(owner)) {
        rmSync(lockFile, { force: true }); // stale
        continue;
      }
      if (Date.now() > deadline) fail(`${what} (pid ${owner}) holds ${rel(lockFile)}`);
      if (!said) log(`waiting for ${what} (pid ${owner})`);
      said = true;
      await sleep(250);
    }
  }
  const release = () => {
    try {
      if (readFileSync(lockFile, 'utf8') === String(process.pid)) unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  try {
    return await fn();
  } finally {
    release();
  }
}

// ---------------------------------------------------------------- Debian packages

function missingPackages() {
  const missing = [];
  if (which('dpkg-query')) {
    const r = run('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\\n', ...PACKAGES]);
    const installed = new Set(
      r.stdout
        .split('\n')
        .filter((l) => l.endsWith(' installed'))
        .map((l) => l.split(' ')[0]),
    );
    missing.push(...PACKAGES.filter((p) => !installed.has(p)));
  } else {
    if (!which('php')) missing.push('php-cli (+ mysql, xml, mbstring, curl, gd, intl, zip extensions)');
    if (!existsSync(PATHS.wpSource)) missing.push('wordpress');
  }
  if (!which('mariadbd', SBIN) || !which('mariadb-install-db', SBIN) || !which('mariadb-admin')) {
    missing.push('mariadb-server');
  }
  return missing;
}

async function ensurePackages() {
  if (missingPackages().length === 0) return;
  // One installation at a time on the machine: the harnesses of other suites or checkouts may start at the same
  // time, and the second apt-get would fail on apt's lock. The waiting one finds the packages installed.
  await withLock(
    () => installPackages(missingPackages()),
    join(tmpdir(), 'igny8-wp-packages.lock'),
    'a package installation of another harness',
  );
}

function installPackages(missing) {
  if (missing.length === 0) return;

  const cmd = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!isRoot() || !which('apt-get')) {
    fail(`missing packages: ${missing.join(' ')}\n  install them with:  sudo apt-get update && sudo ${cmd}`);
  }
  const hadApache = existsSync('/usr/sbin/apache2');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Lock timeout: on a freshly booted VM unattended-upgrades may briefly hold the dpkg lock.
  for (const args of [
    ['update'],
    ['-o', 'DPkg::Lock::Timeout=120', 'install', '-y', '--no-install-recommends', ...missing],
  ]) {
    log(`apt-get ${args.join(' ')}`);
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) fail(`apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
  // `wordpress` depends on apache2 | httpd. Where services may start (no policy-rc.d), Apache now listens on
  // port 80: harmless for us (we serve with php -S), but say so.
  if (!hadApache && allProcs().some((p) => /(^|\/)apache2$/.test(p.argv[0] ?? ''))) {
    log('note: installing `wordpress` pulled in Apache, which is now running (port 80); the harness does not use it');
  }
}

// ---------------------------------------------------------------- WordPress files

function phpString(value) {
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function wpConfig(existing) {
  const salts = {};
  for (const key of SALT_KEYS) {
    const m = existing?.match(new RegExp(`define\\(\\s*'${key}',\\s*'([^']+)'\\s*\\)`));
    salts[key] = m
      ? m[1]
      : randomBytes(48)
          .toString('base64')
          .replace(/[^A-Za-z0-9]/g, '')
          .slice(0, 64);
  }
  const define = (name, value) =>
    `define( '${name}', ${typeof value === 'string' ? phpString(value) : JSON.stringify(value)} );`;
  return `<?php
/**
 * Local IGNY8 dev/test WordPress. Written by scripts/wp/harness.mjs on every start (the salts are kept):
 * edit the harness, not this file.
 */
${define('DB_NAME', DB.name)}
${define('DB_USER', DB.user)}
${define('DB_PASSWORD', DB.password)}
${define('DB_HOST', `127.0.0.1:${DB_PORT}`)}
${define('DB_CHARSET', 'utf8mb4')}
${define('DB_COLLATE', '')}
$table_prefix = 'wp_';

${SALT_KEYS.map((k) => define(k, salts[k])).join('\n')}

${define('WP_HOME', URL_BASE)}
${define('WP_SITEURL', URL_BASE)}
${define('WP_ENVIRONMENT_TYPE', 'local')} // Application Passwords over plain http need it.
${define('WP_DEBUG', true)}
${define('WP_DEBUG_LOG', PATHS.debugLog)}
${define('WP_DEBUG_DISPLAY', false)} // WP 6.1 prints PHP 8.2 deprecation notices into responses otherwise.
${define('SCRIPT_DEBUG', false)}
${define('DISABLE_WP_CRON', false)}
${define('AUTOMATIC_UPDATER_DISABLED', true)}
${define('WP_AUTO_UPDATE_CORE', false)}
${define('WP_HTTP_BLOCK_EXTERNAL', true)} // loopback stays allowed
${define('WP_ACCESSIBLE_HOSTS', '')}
${define('FS_METHOD', 'direct')}
${define('WP_MEMORY_LIMIT', '256M')}

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`;
}

function ensureWordPressFiles() {
  mkdirSync(LOG_DIR, { recursive: true });
  if (!existsSync(join(WP_DIR, 'wp-includes', 'version.php'))) {
    const tmp = `${WP_DIR}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    log(`copying ${PATHS.wpSource} -> ${rel(WP_DIR)}`);
    const r = run('cp', ['-rL', PATHS.wpSource, tmp]);
    if (!r.ok) fail(`cp -rL ${PATHS.wpSource} failed:\n${r.out}`);
    rmSync(join(tmp, '.htaccess'), { force: true }); // Debian's Apache rules (symlink to /etc): not ours
    rmSync(WP_DIR, { recursive: true, force: true });
    renameSync(tmp, WP_DIR);
  }
  const config = join(WP_DIR, 'wp-config.php');
  const current = existsSync(config) ? readFileSync(config, 'utf8') : null;
  // Debian's own wp-config.php (reads /etc/wordpress/config-*.php) has no salts: a fresh config then.
  if (writeIfChanged(config, wpConfig(current?.includes('scripts/wp/harness.mjs') ? current : null))) {
    log('wrote wp-config.php');
  }

  const muDir = join(WP_DIR, 'wp-content', 'mu-plugins');
  mkdirSync(muDir, { recursive: true });
  const mu = readFileSync(PATHS.muTemplate, 'utf8').replace("'__IGNY8_WP_LOG_DIR__'", phpString(LOG_DIR));
  if (writeIfChanged(join(muDir, 'igny8-offline.php'), mu)) log('wrote mu-plugins/igny8-offline.php');

  const link = join(WP_DIR, 'wp-content', 'plugins', 'igny8');
  let currentTarget = null;
  try {
    if (lstatSync(link).isSymbolicLink()) currentTarget = readlinkSync(link);
    else fail(`${rel(link)} exists and is not a symlink; remove it`);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  if (currentTarget !== PATHS.plugin) {
    if (currentTarget !== null) unlinkSync(link);
    symlinkSync(PATHS.plugin, link, 'dir');
    log(`linked wp-content/plugins/igny8 -> ${PATHS.plugin}`);
  }
}

// ---------------------------------------------------------------- MariaDB

const dbClientArgs = () => ['--no-defaults', `--socket=${PATHS.dbSocket}`, `--user=${osUser()}`];
const dbPing = () => run('mariadb-admin', [...dbClientArgs(), '--connect-timeout=2', 'ping']).ok;

/** This harness's MariaDB: mariadbd on our data directory. */
const isOurMariaDB = (argv) =>
  argv.some((a) => /(^|\/)(mariadbd|mysqld)$/.test(a)) && argv.includes(`--datadir=${PATHS.dbData}`);

function dbServerPid() {
  const fromFile = Number(existsSync(PATHS.dbPid) ? readFileSync(PATHS.dbPid, 'utf8').trim() : 0);
  if (fromFile && isOurMariaDB(procCmdline(fromFile) ?? [])) return fromFile;
  // No (valid) pid file, e.g. killed during startup: find it by its data directory.
  return allProcs().find((p) => isOurMariaDB(p.argv))?.pid ?? null;
}

async function ensureMariaDB() {
  mkdirSync(DB_DIR, { recursive: true });
  if (PATHS.dbSocket.length > 100) fail(`socket path too long for a unix socket: ${PATHS.dbSocket}`);
  const userArgs = isRoot() ? ['--user=root'] : [];
  if (!existsSync(join(PATHS.dbData, 'mysql'))) {
    log(`initialising MariaDB in ${rel(PATHS.dbData)}`);
    rmSync(PATHS.dbData, { recursive: true, force: true });
    const r = run(which('mariadb-install-db', SBIN), [
      '--no-defaults',
      `--datadir=${PATHS.dbData}`,
      ...userArgs,
      '--skip-test-db',
      '--skip-name-resolve',
    ]);
    if (!r.ok) fail(`mariadb-install-db failed:\n${r.out}`);
  }

  let pid = dbServerPid();
  let started = null;
  const runningPort = pid && Number((procCmdline(pid) ?? []).find((a) => a.startsWith('--port='))?.slice(7));
  if (pid && runningPort && runningPort !== DB_PORT) {
    log(`MariaDB runs on port ${runningPort}, restarting it on ${DB_PORT}`);
    await stopMariaDB();
    pid = null;
  }
  if (pid && dbPing()) {
    log(`MariaDB already running (pid ${pid}, 127.0.0.1:${DB_PORT})`);
  } else {
    if (!pid) {
      refuseForeignHolder(DB_PORT, 'MariaDB', 'WP_DB_PORT', (p) => isOurMariaDB(p.argv));
      if (await portOpen(DB_PORT)) fail(`port ${DB_PORT} is taken by another process; set WP_DB_PORT`);
      log(`starting MariaDB on 127.0.0.1:${DB_PORT}`);
      rmSync(PATHS.dbPid, { force: true });
      const out = openSync(PATHS.dbLog, 'a');
      const child = spawn(
        which('mariadbd', SBIN),
        [
          '--no-defaults',
          `--datadir=${PATHS.dbData}`,
          `--socket=${PATHS.dbSocket}`,
          `--port=${DB_PORT}`,
          '--bind-address=127.0.0.1',
          ...userArgs,
          '--skip-log-bin',
          '--skip-name-resolve',
          `--pid-file=${PATHS.dbPid}`,
          `--log-error=${PATHS.dbLog}`,
          '--character-set-server=utf8mb4',
          '--collation-server=utf8mb4_unicode_ci',
          '--innodb-buffer-pool-size=64M',
        ],
        { detached: true, stdio: ['ignore', out, out] },
      );
      closeSync(out);
      child.unref();
      recordStarted('mariadb', child, DB_PORT);
      started = child;
      pid = child.pid;
    }
    const deadline = Date.now() + 60_000;
    while (!dbPing()) {
      if (!alive(pid) || (started && childGone(started)))
        fail(`MariaDB exited during startup; ${rel(PATHS.dbLog)}:\n${tail(PATHS.dbLog)}`);
      if (Date.now() > deadline) fail(`MariaDB did not answer within 60 s; ${rel(PATHS.dbLog)}:\n${tail(PATHS.dbLog)}`);
      await sleep(100);
    }
    log(`MariaDB is up (pid ${pid})`);
  }

  // Idempotent: database and a password user for WordPress (TCP from 127.0.0.1, or the socket).
  const pw = DB.password.replace(/'/g, "''");
  const sql = [
    `CREATE DATABASE IF NOT EXISTS \`${DB.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    ...['127.0.0.1', 'localhost'].flatMap((host) => [
      `CREATE USER IF NOT EXISTS '${DB.user}'@'${host}' IDENTIFIED BY '${pw}'`,
      `GRANT ALL PRIVILEGES ON \`${DB.name}\`.* TO '${DB.user}'@'${host}'`,
    ]),
  ].join(';\n');
  const r = run('mariadb', [...dbClientArgs(), '-e', sql]);
  if (!r.ok) fail(`creating the database failed:\n${r.out}`);
}

async function stopMariaDB() {
  const pid = dbServerPid();
  if (!pid) {
    log('MariaDB is not running');
    return;
  }
  log(`stopping MariaDB (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  if (!(await waitGone(() => alive(pid), 60_000))) {
    log('MariaDB did not stop within 60 s, killing it');
    process.kill(pid, 'SIGKILL');
    await waitGone(() => alive(pid), 5_000);
  }
  rmSync(PATHS.dbPid, { force: true });
}

// ---------------------------------------------------------------- php -S

const isOurPhp = (argv) => argv.includes('-S') && argv.includes(PATHS.router) && argv.includes(WP_DIR);

/** The php -S process group(s) serving this checkout: { pgid, port } (port from the argv). */
function phpServers() {
  const groups = new Map();
  for (const p of allProcs()) {
    if (!isOurPhp(p.argv)) continue;
    const addr = p.argv[p.argv.indexOf('-S') + 1] ?? '';
    groups.set(p.pgid, { pgid: p.pgid, port: Number(addr.split(':').pop()) });
  }
  return [...groups.values()];
}

async function siteAnswers(timeoutMs = 5000) {
  try {
    const res = await fetch(`${URL_BASE}/?rest_route=/`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function stopPhp() {
  const servers = phpServers();
  if (servers.length === 0) log('php -S is not running');
  for (const { pgid, port } of servers) {
    // The whole group: killing the master alone leaves its workers holding the port.
    log(`stopping php -S on port ${port} (process group ${pgid})`);
    const members = () => allProcs().some((p) => p.pgid === pgid);
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
    if (!(await waitGone(members, 10_000))) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
      await waitGone(members, 5_000);
    }
  }
  rmSync(PATHS.phpPid, { force: true });
}

async function ensurePhp() {
  const servers = phpServers();
  const same = servers.find((s) => s.port === PORT);
  if (same && servers.length === 1) {
    if (await siteAnswers()) {
      log(`php -S already running on ${URL_BASE} (process group ${same.pgid})`);
      return;
    }
    log('php -S runs but does not answer, restarting it');
  }
  if (!same) refuseForeignHolder(PORT, 'WordPress, php -S', 'WP_PORT', (p) => isOurPhp(p.argv));
  if (!same && (await portOpen(PORT))) fail(`port ${PORT} is taken by another process; set WP_PORT`);
  if (servers.length > 0) await stopPhp();
  refuseForeignHolder(PORT, 'WordPress, php -S', 'WP_PORT', () => false);
  if (await portOpen(PORT)) fail(`port ${PORT} is still taken after stopping php -S; set WP_PORT`);

  log(`starting php -S on ${URL_BASE} (${PHP_WORKERS} workers)`);
  const out = openSync(PATHS.phpLog, 'a');
  const child = spawn(
    'php',
    [
      '-d',
      'upload_max_filesize=64M',
      '-d',
      'post_max_size=64M',
      '-d',
      'memory_limit=512M',
      '-d',
      'max_execution_time=120',
      '-S',
      `127.0.0.1:${PORT}`,
      '-t',
      WP_DIR,
      PATHS.router,
    ],
    {
      cwd: WP_DIR,
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: PHP_WORKERS },
    },
  );
  closeSync(out);
  child.unref();
  recordStarted('php', child, PORT);
  // detached: the child leads a new process group whose id is its pid.
  writeFileSync(PATHS.phpPid, `${child.pid}\n`);

  const deadline = Date.now() + 60_000;
  while (!(await siteAnswers(2000))) {
    if (childGone(child) || !alive(child.pid)) fail(`php -S exited; ${rel(PATHS.phpLog)}:\n${tail(PATHS.phpLog)}`);
    if (Date.now() > deadline) {
      fail(`${URL_BASE}/?rest_route=/ did not answer 200 within 60 s; ${rel(PATHS.phpLog)}:\n${tail(PATHS.phpLog)}`);
    }
    await sleep(150);
  }
  log(`php -S is up (process group ${child.pid})`);
}

// ---------------------------------------------------------------- site setup (install / reconcile)

function setupSite() {
  const previous = readJson(PATHS.harnessJson);
  const env = {
    ...process.env,
    IGNY8_WP_DIR: WP_DIR,
    IGNY8_WP_URL: URL_BASE,
    IGNY8_WP_ADMIN_PASSWORD: USERS.admin.password,
    IGNY8_WP_EDITOR_PASSWORD: USERS.editor.password,
    IGNY8_WP_AUTHOR_PASSWORD: USERS.author.password,
    IGNY8_WP_ADMIN_APP_PASSWORD: previous?.users?.admin?.applicationPassword ?? '',
  };
  const r = run('php', [PATHS.setup], { env, cwd: WP_DIR });
  const line = r.stdout.split('\n').find((l) => l.startsWith('IGNY8_SETUP_RESULT '));
  if (!line) fail(`scripts/wp/setup-site.php failed:\n${r.out}\n${rel(PATHS.debugLog)}:\n${tail(PATHS.debugLog, 10)}`);
  const result = JSON.parse(line.slice('IGNY8_SETUP_RESULT '.length));
  if (result.installed) log('installed WordPress (IGNY8 Test Site)');
  if (result.changes.length) log(`updated: ${result.changes.join(', ')}`);
  if (!result.pluginPresent) {
    log(
      'WARNING: wp-plugin/igny8.php does not exist yet: the plugin is linked but NOT active (run wp:start again later)',
    );
  } else if (!result.pluginActive) {
    log(`WARNING: the igny8 plugin could not be activated: ${result.pluginError ?? 'unknown error'}`);
  }
  return result;
}

// ---------------------------------------------------------------- info

function info(setup) {
  return {
    url: URL_BASE,
    adminUrl: `${URL_BASE}/wp-admin/`,
    loginUrl: `${URL_BASE}/wp-login.php`,
    restUrl: `${URL_BASE}/wp-json/`,
    restUrlPlain: `${URL_BASE}/?rest_route=/`,
    users: {
      admin: { ...USERS.admin, applicationPassword: setup.applicationPassword },
      editor: { ...USERS.editor },
      author: { ...USERS.author },
    },
    port: PORT,
    dbPort: DB_PORT,
    db: {
      host: '127.0.0.1',
      port: DB_PORT,
      socket: PATHS.dbSocket,
      name: DB.name,
      user: DB.user,
      password: DB.password,
    },
    pluginActive: setup.pluginActive,
    pluginError: setup.pluginError,
    wordpressDir: WP_DIR,
    logs: {
      php: PATHS.phpLog,
      debug: PATHS.debugLog,
      mail: PATHS.mailLog,
      httpBlocked: PATHS.httpLog,
      mariadb: PATHS.dbLog,
    },
  };
}

function printInfo(h) {
  const u = h.users;
  console.log(
    [
      `wp: site      ${h.url}/`,
      `wp: admin     ${h.adminUrl}`,
      `wp: REST      ${h.restUrl}  (or ${h.restUrlPlain})`,
      `wp: users     admin / ${u.admin.password}   editor / ${u.editor.password}   author / ${u.author.password}`,
      `wp: app pass  admin / ${u.admin.applicationPassword ?? '(none)'}  (Application Password, basic auth)`,
      `wp: database  ${h.db.user}:${h.db.password}@127.0.0.1:${h.dbPort}/${h.db.name}`,
      `wp: plugin    igny8 ${h.pluginActive ? 'active' : 'NOT active'}`,
      `wp: details   ${rel(PATHS.harnessJson)}; logs in ${rel(LOG_DIR)}/`,
    ].join('\n'),
  );
}

// ---------------------------------------------------------------- commands

async function start() {
  const t0 = Date.now();
  starting = true;
  // Before anything is installed or started: another checkout's WordPress on our port must not pass for ours.
  refuseForeignHolder(PORT, 'WordPress, php -S', 'WP_PORT', (p) => isOurPhp(p.argv));
  refuseForeignHolder(DB_PORT, 'MariaDB', 'WP_DB_PORT', (p) => isOurMariaDB(p.argv));
  await ensurePackages();
  ensureWordPressFiles();
  await ensureMariaDB();
  const setup = setupSite();
  await ensurePhp();
  const harness = info(setup);
  writeIfChanged(PATHS.harnessJson, `${JSON.stringify(harness, null, 2)}\n`);
  starting = false;
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  printInfo(harness);
}

async function stop() {
  await stopPhp();
  await stopMariaDB();
}

async function status() {
  const servers = phpServers();
  const dbPid = dbServerPid();
  const db = dbPid && dbPing();
  const web = servers.some((s) => s.port === PORT) && (await siteAnswers());
  log(`MariaDB  ${db ? `running (pid ${dbPid}, 127.0.0.1:${DB_PORT})` : 'not running'}`);
  log(
    `php -S   ${servers.length ? servers.map((s) => `port ${s.port} (process group ${s.pgid})`).join(', ') : 'not running'}`,
  );
  log(`site     ${web ? `answers on ${URL_BASE}` : 'not answering'}`);
  const h = readJson(PATHS.harnessJson);
  if (db && web && h) printInfo(h);
  process.exitCode = db && web ? 0 : 3;
}

/** Stops every harness a WP_HARNESS_STARTED_FILE lists (each in its own folder). */
function stopStarted(file) {
  let lines;
  try {
    lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    lines = [];
  }
  const dirs = new Set();
  for (const line of lines) {
    try {
      dirs.add(JSON.parse(line).dir);
    } catch {
      // a line cut short by a kill: the others still count
    }
  }
  for (const dir of dirs) {
    if (typeof dir !== 'string' || !dir) continue;
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'stop'], {
      stdio: 'inherit',
      env: { ...process.env, WP_HARNESS_DIR: dir, WP_HARNESS_STARTED_FILE: '' },
    });
    if (r.status !== 0) process.exitCode = 1;
  }
}

const command = process.argv[2];
const commands = {
  start: () => withLock(start),
  stop: () => withLock(stop),
  reset: () =>
    withLock(async () => {
      await stop();
      log(`deleting ${rel(WP_DIR)}, ${rel(DB_DIR)}, ${rel(LOG_DIR)}, ${rel(PATHS.harnessJson)}`);
      for (const p of [WP_DIR, DB_DIR, LOG_DIR, PATHS.harnessJson]) rmSync(p, { recursive: true, force: true });
      await start();
    }),
  status,
  'stop-started': () => {
    if (!process.argv[3]) fail('usage: node scripts/wp/harness.mjs stop-started FILE');
    stopStarted(process.argv[3]);
  },
};
if (!commands[command]) {
  console.error('usage: node scripts/wp/harness.mjs start|stop|reset|status|stop-started FILE');
  process.exit(2);
}
await commands[command]();
