// scripts/wp/harness.mjs and the processes it starts: it must never take a port held by a process it did not start
// for its own WordPress or MariaDB (e.g. a WordPress left running by another, maybe deleted, checkout): it says who
// holds the port and stops, before installing or starting anything. A start that is interrupted stops what it had
// started, and records what it starts for the suite that ran it (WP_HARNESS_STARTED_FILE).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, listProcesses, portHolders } from '../../../scripts/lib/processes.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HARNESS = path.join(ROOT, 'scripts/wp/harness.mjs');

const started: ChildProcess[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function folder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'igny8-harness-ports-'));
  folders.push(dir);
  return dir;
}
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server on `port` run from `cwd`; `wordpress` makes it answer the REST index like a WordPress would. */
async function occupy(port: number, cwd: string, wordpress: boolean): Promise<ChildProcess> {
  const code = wordpress
    ? `require('http').createServer((q, r) => { r.setHeader('content-type', 'application/json');
         r.end(JSON.stringify({ name: 'Another checkout', url: 'http://127.0.0.1:${port}', routes: {} })); })
         .listen(${port}, '127.0.0.1', () => console.log('up'))`
    : `require('net').createServer((s) => s.end()).listen(${port}, '127.0.0.1', () => console.log('up'))`;
  const child = spawn(process.execPath, ['-e', code], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return child;
}

function harnessStart(dir: string, wpPort: number, dbPort: number) {
  const r = spawnSync(process.execPath, [HARNESS, 'start'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, WP_HARNESS_DIR: dir, WP_PORT: String(wpPort), WP_DB_PORT: String(dbPort) },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the WordPress harness and the processes it starts', () => {
  it('refuses a WordPress of another checkout answering on its port, naming it, and starts nothing', async () => {
    const other = path.join(folder(), 'other-clone', '.data', 'publisher-wordpress', 'wordpress');
    mkdirSync(other, { recursive: true });
    const wpPort = await freePort();
    const foreign = await occupy(wpPort, other, true);
    const index = await fetch(`http://127.0.0.1:${wpPort}/?rest_route=/`);
    expect(index.status).toBe(200); // it does answer like a WordPress

    const dir = path.join(folder(), 'harness');
    const r = harnessStart(dir, wpPort, await freePort());
    expect(r.status).toBe(1);
    expect(r.out).toContain(`port ${wpPort} (WordPress, php -S) is held by a process this harness did not start`);
    expect(r.out).toContain(`pid ${foreign.pid} `);
    expect(r.out).toContain(`working in ${other}`);
    expect(r.out).toContain('WP_PORT');
    // Nothing was set up or started, and the other checkout's server was left alone.
    expect(existsSync(path.join(dir, 'wordpress'))).toBe(false);
    expect(listProcesses().some((p) => p.argv.some((a) => a.includes(dir)))).toBe(false);
    expect(isRunning(foreign.pid!)).toBe(true);
  });

  it('refuses a MariaDB port held by another process, naming it', async () => {
    const holderDir = folder();
    const dbPort = await freePort();
    const foreign = await occupy(dbPort, holderDir, false);

    const dir = path.join(folder(), 'harness');
    const r = harnessStart(dir, await freePort(), dbPort);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`port ${dbPort} (MariaDB) is held by a process this harness did not start`);
    expect(r.out).toContain(`pid ${foreign.pid} `);
    expect(r.out).toContain(`working in ${holderDir}`);
    expect(r.out).toContain('WP_DB_PORT');
    expect(existsSync(path.join(dir, 'wp-mariadb'))).toBe(false);
    expect(isRunning(foreign.pid!)).toBe(true);
  });

  it('a start interrupted once its MariaDB runs stops that MariaDB, after recording it for the suite', async () => {
    const dir = path.join(folder(), 'harness');
    const startedFile = path.join(folder(), 'started.jsonl');
    const [wpPort, dbPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [HARNESS, 'start'], {
      env: {
        ...process.env,
        WP_HARNESS_DIR: dir,
        WP_PORT: String(wpPort),
        WP_DB_PORT: String(dbPort),
        WP_HARNESS_STARTED_FILE: startedFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // From nothing: copy WordPress, initialise MariaDB, start it (packages are installed first when missing).
    const deadline = Date.now() + 170_000;
    while (!/MariaDB is up \(pid (\d+)\)/.test(out)) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`the harness did not start MariaDB:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const mariadb = Number(/MariaDB is up \(pid (\d+)\)/.exec(out)![1]);
    expect(
      portHolders([dbPort])
        .get(dbPort)
        ?.pids.map((p) => p.pid),
    ).toEqual([mariadb]);
    const recorded = readFileSync(startedFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(recorded).toEqual([{ dir, what: 'mariadb', pid: mariadb, port: dbPort }]);

    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(out).toContain('start did not finish: stopping the mariadb it started');
    expect(isRunning(mariadb)).toBe(false);
    expect(portHolders([dbPort, wpPort]).size).toBe(0);
    expect(listProcesses().filter((p) => p.argv.some((a) => a.includes(dir)))).toEqual([]);
  }, 240_000);
});
