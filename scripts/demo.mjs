#!/usr/bin/env node
// `npm run demo`: the whole product on this machine in one command. Starts a real WordPress (scripts/wp/harness.mjs)
// with the plugin active, the fake AI provider, and the IGNY8 server on its embedded database in demo mode; makes a
// demo account with trial credits, connects the WordPress site to it and gives it a sector, then prints where to go.
// Ctrl-C stops everything it started. Everything the demo AI writes is marked demo (filler, not writing).
//
// State lives in .data/demo/ (server data, WordPress, MariaDB, logs, demo.json with the URLs and passwords); a second
// run reuses it and starts in seconds. `npm run demo -- --reset` starts over from nothing.
// Environment: DEMO_PORT (3000), DEMO_WP_PORT (8881), DEMO_WP_DB_PORT (3307), DEMO_FAKE_AI_PORT (4010), DEMO_DIR.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = process.env.DEMO_DIR ? resolve(process.env.DEMO_DIR) : join(ROOT, '.data', 'demo');
const LOGS = join(DIR, 'logs');
const STATE_FILE = join(DIR, 'demo.json');
const port = (name, fallback) => Number(process.env[name] || fallback);
const PORTS = {
  server: port('DEMO_PORT', 3000),
  wp: port('DEMO_WP_PORT', 8881),
  wpDb: port('DEMO_WP_DB_PORT', 3307),
  fakeAi: port('DEMO_FAKE_AI_PORT', 4010),
};
const SERVER_URL = `http://127.0.0.1:${PORTS.server}`;
const FAKE_AI_URL = `http://127.0.0.1:${PORTS.fakeAi}`;
const SIGNUP_CREDITS = 5000;
const SECTOR = 'Home coffee';
const WP_ENV = {
  ...process.env,
  WP_HARNESS_DIR: join(DIR, 'wordpress'),
  WP_PORT: String(PORTS.wp),
  WP_DB_PORT: String(PORTS.wpDb),
};

const say = (msg) => console.log(`demo: ${msg}`);
const rel = (p) => relative(process.cwd(), p) || '.';
const children = [];
let stopping = false;

function fail(msg) {
  console.error(`demo: ERROR: ${msg}`);
  void stopAll(1);
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function portTaken(p) {
  return new Promise((done) => {
    const socket = net.connect({ host: '127.0.0.1', port: p });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function waitForUrl(url, ms, child) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) return false;
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** A long-running child in its own process group (so a stop reaches its own children too), logging to a file. */
function startChild(name, args, env, cwd) {
  const log = join(LOGS, `${name}.log`);
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
  children.push({ name, child, log });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    fail(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}). Its log (${rel(log)}):\n${tail(log)}`);
  });
  return { child, log };
}

async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 15_000);
    await exited;
    clearTimeout(timer);
  }
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts/wp/harness.mjs'), 'stop'], { env: WP_ENV, stdio: 'ignore' });
  } catch {
    // best effort: the harness reports its own problems
  }
  say('stopped.');
  process.exit(code);
}

/** The newest modification time of the files under a folder (0 when it does not exist). */
function newestIn(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** No build yet, or sources changed since it was made (a pull, an edit): the screens would be out of date. */
function pluginBuildIsStale() {
  const built = newestIn(join(ROOT, 'wp-plugin', 'build'));
  return built === 0 || newestIn(join(ROOT, 'wp-plugin', 'src')) > built;
}

async function api(method, path, body, token) {
  const res = await fetch(`${SERVER_URL}/api/v1${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json().catch(() => ({}));
  return { status: res.status, json };
}

async function wpRest(harness, method, route, body) {
  const { username, applicationPassword } = harness.users.admin;
  const res = await fetch(`${harness.url}/?rest_route=${encodeURIComponent(route)}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${username}:${applicationPassword}`).toString('base64')}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json().catch(() => ({})) };
}

/** The demo account: made once (with its password kept in demo.json), signed in on later runs. */
async function demoAccount(state) {
  if (state.account) {
    const login = await api('POST', '/auth/login', { email: state.account.email, password: state.account.password });
    if (login.status === 200) return login.json.data.tokens.accessToken;
  }
  const account = { email: 'demo@example.com', password: randomBytes(12).toString('base64url') };
  const made = await api('POST', '/auth/register', {
    ...account,
    name: 'Demo user',
    accountName: 'IGNY8 demo account',
  });
  if (made.status !== 201) throw new Error(`could not create the demo account: ${JSON.stringify(made.json)}`);
  state.account = account;
  return made.json.data.tokens.accessToken;
}

async function main() {
  const started = Date.now();
  if (process.argv.includes('--reset')) {
    say(`--reset: removing ${rel(DIR)}`);
    try {
      execFileSync(process.execPath, [join(ROOT, 'scripts/wp/harness.mjs'), 'stop'], { env: WP_ENV, stdio: 'ignore' });
    } catch {
      // nothing ran
    }
    rmSync(DIR, { recursive: true, force: true });
  }
  mkdirSync(LOGS, { recursive: true });
  for (const [what, p] of [
    ['IGNY8 server (DEMO_PORT)', PORTS.server],
    ['fake AI provider (DEMO_FAKE_AI_PORT)', PORTS.fakeAi],
  ]) {
    if (await portTaken(p))
      throw new Error(`port ${p} for the ${what} is taken by another process; set ${what.match(/\((.+)\)/)[1]}`);
  }

  if (pluginBuildIsStale()) {
    say('building the plugin...');
    execFileSync('npm', ['run', 'build', '-w', 'wp-plugin'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  say(`starting WordPress on port ${PORTS.wp} (the first run installs it: about a minute)...`);
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts/wp/harness.mjs'), 'start'], {
      env: WP_ENV,
      stdio: ['ignore', openSync(join(LOGS, 'wordpress.log'), 'a'), openSync(join(LOGS, 'wordpress.log'), 'a')],
    });
  } catch {
    throw new Error(
      `WordPress did not start. Its log (${rel(join(LOGS, 'wordpress.log'))}):\n${tail(join(LOGS, 'wordpress.log'))}`,
    );
  }
  const harness = JSON.parse(readFileSync(join(WP_ENV.WP_HARNESS_DIR, 'wp-harness.json'), 'utf8'));

  say('starting the demo AI provider and the IGNY8 server (embedded database)...');
  const fakeAi = startChild(
    'fake-ai',
    ['--import', 'tsx', 'scripts/fake-ai.ts'],
    { ...process.env, FAKE_AI_PORT: String(PORTS.fakeAi), FAKE_AI_HOST: '127.0.0.1' },
    join(ROOT, 'server'),
  );
  const server = startChild(
    'server',
    ['--import', 'tsx', 'src/main.ts'],
    {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: join(DIR, 'server'),
      HOST: '127.0.0.1',
      PORT: String(PORTS.server),
      PUBLIC_URL: SERVER_URL,
      AI_DEMO_BASE_URL: FAKE_AI_URL,
      ALLOW_PRIVATE_SITE_URLS: 'true',
      SIGNUP_CREDITS: String(SIGNUP_CREDITS),
      LOG_FORMAT: 'pretty',
      NODE_ENV: 'development',
    },
    join(ROOT, 'server'),
  );
  if (!(await waitForUrl(`${FAKE_AI_URL}/__health`, 60_000, fakeAi.child))) {
    throw new Error(`the fake AI provider did not start. Its log:\n${tail(fakeAi.log)}`);
  }
  if (!(await waitForUrl(`${SERVER_URL}/api/v1/system/status`, 120_000, server.child))) {
    throw new Error(`the IGNY8 server did not start. Its log:\n${tail(server.log)}`);
  }

  const state = existsSync(STATE_FILE) ? JSON.parse(readFileSync(STATE_FILE, 'utf8')) : {};
  const token = await demoAccount(state);
  // Connected already (a later run), to this server and the demo account: keep it; anything else: connect anew.
  let connection = (await wpRest(harness, 'GET', '/igny8/v1/connection')).json;
  const known = connection?.connected
    ? await api('GET', `/sites/${encodeURIComponent(connection.siteId)}`, undefined, token)
    : { status: 404 };
  if (!connection?.connected || connection.serverUrl !== SERVER_URL || known.status !== 200) {
    say('connecting the WordPress site to the demo account...');
    if (connection?.connected) await wpRest(harness, 'DELETE', '/igny8/v1/connection');
    const key = await api('POST', '/connection-keys', undefined, token);
    if (key.status !== 201) throw new Error(`could not make a connection key: ${JSON.stringify(key.json)}`);
    const connected = await wpRest(harness, 'POST', '/igny8/v1/connection', {
      serverUrl: SERVER_URL,
      connectionKey: key.json.data.key,
    });
    if (connected.status !== 200 || !connected.json?.connected) {
      throw new Error(`the site did not connect: ${JSON.stringify(connected.json)}`);
    }
    connection = connected.json;
  }
  const site = { id: connection.siteId };
  const sectors = await api('GET', `/sites/${site.id}/sectors`, undefined, token);
  if (!sectors.json.data?.length) {
    const sector = await api('POST', `/sites/${site.id}/sectors`, { name: SECTOR, language: 'en' }, token);
    if (sector.status !== 201) throw new Error(`could not add the sector: ${JSON.stringify(sector.json)}`);
  }
  const balance = await api('GET', '/billing/balance', undefined, token);

  Object.assign(state, {
    serverUrl: SERVER_URL,
    docsUrl: `${SERVER_URL}/docs`,
    appUrl: `${SERVER_URL}/app`,
    fakeAiUrl: FAKE_AI_URL,
    siteId: site.id,
    wordpress: { url: harness.url, adminUrl: harness.adminUrl, users: harness.users },
    keywordsFile: join(ROOT, 'examples', 'demo-keywords.csv'),
    pid: process.pid,
  });
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  const admin = harness.users.admin;
  console.log(
    [
      '',
      `IGNY8 demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s: WordPress connected to a demo account with ` +
        `${Number(balance.json.data?.balance ?? 0).toLocaleString('en-US')} credits.`,
      `  wp-admin      ${harness.adminUrl}   user ${admin.username}   password ${admin.password}`,
      `  try it        IGNY8 > Planner: import ${rel(join(ROOT, 'examples', 'demo-keywords.csv'))}, cluster, make ideas;`,
      '                IGNY8 > Writer: write an article with images, review it, publish it; then visit the site.',
      `  web app       ${SERVER_URL}/app   sign in as ${state.account.email} / ${state.account.password}: sites, jobs, usage`,
      `  API docs      ${SERVER_URL}/docs   (same account)`,
      `  demo AI       ${FAKE_AI_URL}: every idea, article and image it makes is marked demo (filler, not writing)`,
      `  logs, state   ${rel(LOGS)}/, ${rel(STATE_FILE)}`,
      'Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
