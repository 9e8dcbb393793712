import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startProcess, type RunningProcess } from './helpers/processes.ts';

/**
 * The zero-setup mode end to end: `npm start` without DATABASE_URL runs the API and the worker in one process on
 * embedded PostgreSQL (PGlite) under DATA_DIR. Register, add a site, run a job, restart: everything is still there.
 */

let dataDir: string;
let running: RunningProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function start(port: number) {
  const proc = startProcess('src/main.ts', {
    DATA_DIR: dataDir,
    PORT: String(port),
    DATABASE_URL: '',
    JWT_SECRET: '',
    LOG_LEVEL: 'info',
    NODE_ENV: 'development',
  });
  await proc.waitFor(/IGNY8 API ready/, 60_000);
  return proc;
}

afterAll(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('embedded database mode', () => {
  it('starts with no configuration, keeps data across restarts, and refuses a second process', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'igny8-embedded-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/api/v1`;
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await fetch(base + url, {
        method,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    running = await start(port);
    expect(running.output()).toContain('applied migration');

    const status = await call('GET', '/system/status');
    expect(status.status).toBe(200);
    expect(status.body.data.database.mode).toBe('embedded');

    const registered = await call('POST', '/auth/register', {
      email: 'solo@example.com',
      password: 'embedded mode password',
      name: 'Solo',
      accountName: 'Solo blog',
    });
    expect(registered.status).toBe(201);
    const token = registered.body.data.tokens.accessToken;
    const site = await call(
      'POST',
      '/sites',
      { name: 'Solo', url: 'https://solo.example.com', voice: 'plain and friendly' },
      token,
    );
    expect(site.status).toBe(201);

    const accepted = await call('POST', '/account/exports', undefined, token);
    expect(accepted.status).toBe(202);
    const jobId = accepted.body.data.jobId;
    const job = await eventually(async () => {
      const res = await call('GET', `/jobs/${jobId}`, undefined, token);
      return res.body.data.status === 'succeeded' ? res.body.data : undefined;
    }, 30_000);
    expect(job.result.sites).toEqual([
      expect.objectContaining({ url: 'https://solo.example.com', voice: 'plain and friendly', sectors: [] }),
    ]);
    expect(job.steps.map((s: { name: string }) => s.name)).toEqual(['account', 'members', 'sites']);

    // Operators act while the server runs: the command goes through the server's control socket.
    const operator = (...args: string[]) =>
      startProcess('scripts/operator.ts', { DATA_DIR: dataDir, DATABASE_URL: '' }, args);
    const credits = operator('credits', 'Solo@Example.com', '1500', 'launch', 'gift');
    expect(await credits.exited, credits.output()).toBe(0);
    expect(credits.output()).toMatch(
      /Added 1,500 credits to "Solo blog" .*balance is now 1,500\. \(through the running server\)/,
    );
    const balance = await call('GET', '/billing/balance', undefined, token);
    expect(balance.body.data.balance).toBe(1500);
    const made = operator('grant', 'solo@example.com');
    expect(await made.exited, made.output()).toBe(0);
    expect(made.output()).toContain('solo@example.com is now an operator. (through the running server)');
    const unknown = operator('credits', 'nobody@example.com', '5');
    expect(await unknown.exited).toBe(1);
    expect(unknown.output()).toContain('No user has the email nobody@example.com. Register first');
    const bad = operator('credits', 'solo@example.com', '-3');
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('The amount must be a whole number of credits above 0 (got "-3")');

    // A second process on the same data folder must not open (and corrupt) the database.
    const second = startProcess('src/main.ts', { DATA_DIR: dataDir, PORT: String(await freePort()), DATABASE_URL: '' });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('The embedded database is in use by process');

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);

    running = await start(port);
    expect(running.output()).not.toContain('applied migration');
    const login = await call('POST', '/auth/login', { email: 'solo@example.com', password: 'embedded mode password' });
    expect(login.status).toBe(200);
    const token2 = login.body.data.tokens.accessToken;
    const sites = await call('GET', '/sites', undefined, token2);
    expect(sites.body.data.items.map((s: { url: string }) => s.url)).toEqual(['https://solo.example.com']);
    // With the server stopped, the command opens the database itself.
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const direct = operator('credits', 'solo@example.com', '250');
    expect(await direct.exited, direct.output()).toBe(0);
    expect(direct.output()).toMatch(/Added 250 credits .*balance is now 1,750\.$/m);
    running = await start(port);
    const again = await call('GET', `/jobs/${jobId}`, undefined, token2);
    expect(again.body.data.status).toBe('succeeded');
    // The access token from before the restart is still valid: the generated JWT secret was kept in DATA_DIR.
    expect((await call('GET', '/auth/me', undefined, token)).status).toBe(200);
  }, 180_000);
});
