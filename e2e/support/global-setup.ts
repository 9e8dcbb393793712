import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { guardSuite } from '../../scripts/lib/suite-guard.mjs';
import { E2E_WP_ENV, KEEP_WORDPRESS, RESULTS, ROOT, SECRETS_FILE, STACK_FILE, type Stack } from './stack.ts';
import { SMTP_PASS, SMTP_USER } from './mail-sink.ts';
import { freePort } from './ports.ts';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

/**
 * A fresh WordPress (harness reset) with the plugin built and active, a fresh PostgreSQL database, and the real
 * server (API + worker in one process) listening on a free port, allowed to call the local WordPress.
 *
 * Everything started here is stopped by the global teardown, and by scripts/lib/suite-guard.mjs when the run ends
 * any other way (a failed setup, Ctrl-C, SIGTERM): the server, the fake AI provider, and the e2e WordPress unless
 * E2E_KEEP_WORDPRESS=1 keeps it for inspection.
 */
export default async function globalSetup() {
  const guard = guardSuite('e2e');
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(path.join(RESULTS, 'logs'), { recursive: true });
  writeFileSync(SECRETS_FILE, '[]');

  execFileSync('npm', ['run', 'build', '-w', 'wp-plugin'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('node', ['scripts/wp/harness.mjs', 'reset'], {
    cwd: ROOT,
    stdio: 'inherit',
    // Recorded in the guard's file (stopped at the end) unless the run keeps it.
    env: { ...process.env, ...E2E_WP_ENV, ...(KEEP_WORDPRESS ? { WP_HARNESS_STARTED_FILE: '' } : {}) },
  });
  const wp = JSON.parse(readFileSync(path.join(E2E_WP_ENV.WP_HARNESS_DIR, 'wp-harness.json'), 'utf8'));

  const database = `igny8_e2e_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${database}`;

  // The fake AI provider (server/test/fake-ai) as the server's demo endpoint: accounts without a provider key use it,
  // so journeys can generate ideas and articles; everything it makes is marked demo.
  const fakeAiPort = await freePort();
  const fakeAiLog = path.join(RESULTS, 'logs', 'fake-ai.log');
  const fakeAi = spawn(process.execPath, ['--import', 'tsx', 'scripts/fake-ai.ts'], {
    cwd: path.join(ROOT, 'server'),
    env: { ...process.env, FAKE_AI_PORT: String(fakeAiPort), FAKE_AI_HOST: '127.0.0.1' },
    stdio: ['ignore', openSync(fakeAiLog, 'a'), openSync(fakeAiLog, 'a')],
    detached: true,
  });
  fakeAi.unref();
  guard.track(fakeAi.pid!);
  const fakeAiUrl = `http://127.0.0.1:${fakeAiPort}`;
  await waitFor(`${fakeAiUrl}/__health`, 30_000);

  // The mailbox (support/mail-sink.ts): the server sends invitations, password resets and email changes there.
  const smtpPort = await freePort();
  const mailLog = path.join(RESULTS, 'logs', 'mail-sink.log');
  const mailSink = spawn(process.execPath, ['--import', 'tsx', 'support/mail-sink.ts'], {
    cwd: path.join(ROOT, 'e2e'),
    env: { ...process.env, SMTP_SINK_PORT: String(smtpPort) },
    stdio: ['ignore', openSync(mailLog, 'a'), openSync(mailLog, 'a')],
    detached: true,
  });
  mailSink.unref();
  guard.track(mailSink.pid!);
  await waitForPort(smtpPort, 30_000);

  const port = await freePort();
  const serverLog = path.join(RESULTS, 'logs', 'server.log');
  const encryptionKeys = `e2e:${randomBytes(32).toString('base64')}`;
  const out = openSync(serverLog, 'a');
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(ROOT, 'server'),
    env: {
      ...process.env,
      DATABASE_URL: dbUrl.toString(),
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEYS: encryptionKeys,
      ALLOW_PRIVATE_SITE_URLS: 'true',
      LOG_LEVEL: 'debug',
      DATA_DIR: path.join(RESULTS, 'server-data'),
      AI_DEMO_BASE_URL: fakeAiUrl,
      SMTP_URL: `smtp://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'IGNY8 <no-reply@igny8.example>',
      // Journeys sign in and reload app pages (each load refreshes the session) many times a minute from one
      // address; the limit itself is covered by the server's tests.
      LOGIN_RATE_LIMIT_PER_MINUTE: '120',
    },
    stdio: ['ignore', out, out],
    detached: true,
  });
  server.unref();
  guard.track(server.pid!);
  const serverUrl = `http://127.0.0.1:${port}`;
  await waitFor(`${serverUrl}/api/v1/system/status`, 60_000);

  const stack: Stack = {
    serverUrl,
    serverPid: server.pid!,
    fakeAiUrl,
    fakeAiPid: fakeAi.pid!,
    mailSinkPid: mailSink.pid!,
    serverLog,
    database,
    adminDatabaseUrl: ADMIN_URL,
    encryptionKeys,
    wp,
    logFiles: [serverLog, fakeAiLog, mailLog, ...(Object.values(wp.logs ?? {}) as string[])],
  };
  writeFileSync(STACK_FILE, JSON.stringify(stack, null, 2));
}
