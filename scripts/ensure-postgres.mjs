#!/usr/bin/env node
// Runs before `npm test`: makes sure the PostgreSQL server the test suite talks to is usable.
// - TEST_DATABASE_URL set: that server is not ours to manage, only wait (up to 20 s) for it to answer.
// - Otherwise the suite uses postgresql://postgres@127.0.0.1:5432/postgres without a password. If that
//   fails, start (or create) the local Debian cluster, first installing PostgreSQL with apt-get when
//   running as root on a machine that has none.
// WARNING: meant for THROWAWAY CI/dev test machines only. If password-less TCP login as postgres is
// refused, it prepends `trust` rules for 127.0.0.1 and ::1 to pg_hba.conf, letting any local process
// log in as superuser. Never run it next to a PostgreSQL you care about; set TEST_DATABASE_URL instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const HBA_MARK = '# added by scripts/ensure-postgres.mjs (throwaway test machine): password-less local TCP';

const log = (msg) => console.log(`ensure-postgres: ${msg}`);
const fail = (msg) => {
  console.error(`ensure-postgres: ERROR: ${msg}`);
  process.exit(1);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const firstLine = (text) => text.split('\n')[0];
// Looking at PATH directly is cheaper than spawning `command -v` (keeps the fast path fast).
const onPath = (cmd) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(`${d}/${cmd}`));

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  return { ok: !r.error && r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}`.trim() };
}
function must(cmd, args) {
  const r = run(cmd, args);
  if (!r.ok) fail(`\`${cmd} ${args.join(' ')}\` failed:\n${r.out}`);
  return r.out;
}

// A real login + query when psql exists, so auth problems show up (not just "port open");
// -w never prompts for a password: a missing password fails instead of hanging.
async function probe(url) {
  if (onPath('psql')) {
    const env = { ...process.env, PGCONNECT_TIMEOUT: '3' };
    const r = run('psql', ['-w', '-X', '-q', '-A', '-t', '-d', url, '-c', 'select 1'], { env });
    return { ok: r.ok, detail: r.out };
  }
  // No client tools on this machine: a TCP connect is the best check without dependencies.
  const { hostname, port } = new URL(url);
  const target = { host: hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(port) || 5432 };
  const ok = await new Promise((resolve) => {
    const socket = net.connect(target);
    socket.setTimeout(3000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
  return { ok, detail: ok ? '' : `nothing accepts TCP connections on ${target.host}:${target.port}` };
}

async function waitUntil(check, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const result = await check();
    if (result.ok || Date.now() >= deadline) return result;
    await sleep(300);
  }
}

// 1. An explicitly configured server: never touch it, just wait for it.
const explicitUrl = process.env.TEST_DATABASE_URL;
if (explicitUrl) {
  const result = await waitUntil(() => probe(explicitUrl), 20);
  if (!result.ok) fail(`TEST_DATABASE_URL did not answer within 20 s:\n${result.detail}`);
  log('TEST_DATABASE_URL is reachable');
  process.exit(0);
}

// 2. Fast path: the default server already works.
let result = await probe(DEFAULT_URL);
if (result.ok) {
  log('PostgreSQL is up on 127.0.0.1:5432');
  process.exit(0);
}
log(`127.0.0.1:5432 not usable yet (${firstLine(result.detail)})`);

// 4. Not installed at all: install it from Debian (12 ships PostgreSQL 15), which needs root.
if (!onPath('pg_lsclusters')) {
  if (process.getuid?.() !== 0) {
    fail(
      'PostgreSQL is not installed. Run `sudo apt-get update && sudo apt-get install -y postgresql` and retry, ' +
        'or set TEST_DATABASE_URL to a server where its user may CREATE/DROP DATABASE.',
    );
  }
  // Lock timeout: on a freshly booted VM unattended-upgrades may briefly hold the dpkg lock.
  for (const args of [['update'], ['-o', 'DPkg::Lock::Timeout=120', 'install', '-y', 'postgresql']]) {
    log(`apt-get ${args.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) fail(`apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
}

// 3. Debian PostgreSQL is installed: use the cluster on port 5432, else the first one, else create one.
const clusters = must('pg_lsclusters', ['--no-header'])
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const [ver, name, port, status] = line.trim().split(/\s+/);
    return { ver, name, port, online: status.startsWith('online') };
  });
let cluster = clusters.find((c) => c.port === '5432') ?? clusters[0];
if (!cluster) {
  const dirs = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  const ver = dirs.filter((v) => /^\d+$/.test(v)).sort((a, b) => b - a)[0];
  if (!ver) fail('pg_lsclusters exists but no PostgreSQL server is installed (apt-get install -y postgresql)');
  log(`no cluster found, creating ${ver}/main on port 5432`);
  must('pg_createcluster', ['-p', '5432', ver, 'main']);
  cluster = { ver, name: 'main', port: '5432', online: false };
}
const { ver, name } = cluster;
const conf = (key) => run('pg_conftool', ['-s', ver, name, 'show', key]);

// The suite hard-codes 127.0.0.1:5432: fix port / listen_addresses if they point elsewhere
// (an unset listen_addresses means 'localhost', which is fine).
let restart = false;
if (cluster.port !== '5432') {
  log(`cluster ${ver}/${name} uses port ${cluster.port}, switching it to 5432`);
  must('pg_conftool', [ver, name, 'set', 'port', '5432']);
  restart = true;
}
const listen = conf('listen_addresses');
if (listen.ok && !/(^|[\s,'])(\*|localhost|127\.0\.0\.1|0\.0\.0\.0)([\s,']|$)/.test(listen.out)) {
  log(`listen_addresses is '${listen.out}', setting it to 'localhost'`);
  must('pg_conftool', [ver, name, 'set', 'listen_addresses', 'localhost']);
  restart = true;
}
const action = cluster.online ? (restart ? 'restart' : null) : 'start';
if (action) {
  // --skip-systemctl-redirect: behaves the same with or without systemd (containers have none).
  log(`${action === 'start' ? 'starting' : 'restarting'} cluster ${ver}/${name}`);
  must('pg_ctlcluster', ['--skip-systemctl-redirect', ver, name, action]);
}

// Wait until the server accepts connections at all (pg_ctlcluster normally already waited), so a
// refused login below is recognised at once instead of after a timeout.
const accepting = () => ({ ok: run('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432']).ok });
await waitUntil(accepting, 15);
result = await probe(DEFAULT_URL);
// Answers but refuses a password-less login (Debian defaults to scram/md5 for host connections):
// put trust rules for 127.0.0.1 and ::1 above all other rules, then reload.
if (!result.ok && accepting().ok) {
  const hbaConf = conf('hba_file');
  const hba = hbaConf.ok ? hbaConf.out : `/etc/postgresql/${ver}/${name}/pg_hba.conf`;
  const text = readFileSync(hba, 'utf8');
  if (!text.includes(HBA_MARK)) {
    log(`login refused (${firstLine(result.detail)}); adding trust rules for 127.0.0.1 and ::1 to ${hba}`);
    try {
      writeFileSync(hba, `${HBA_MARK}\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n${text}`);
    } catch (err) {
      fail(`cannot edit ${hba} (${err.code}); run as root or set TEST_DATABASE_URL`);
    }
  }
  must('pg_ctlcluster', ['--skip-systemctl-redirect', ver, name, 'reload']);
  result = await waitUntil(() => probe(DEFAULT_URL), 5);
}
if (!result.ok) fail(`PostgreSQL ${ver}/${name} still not usable at ${DEFAULT_URL}:\n${result.detail}`);
log(`PostgreSQL ${ver}/${name} is up on 127.0.0.1:5432`);
