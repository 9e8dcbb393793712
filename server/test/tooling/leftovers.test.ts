// scripts/check-leftovers.mjs, the check at the end of `.ci/run`: it must fail while a process runs from the
// checkout (or a deleted checkout) or holds a harness port, and pass once nothing does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, processInfo } from '../../../scripts/lib/processes.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
const CHECK = path.join(ROOT, 'scripts/check-leftovers.mjs');

const started: ChildProcess[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A process that just waits, started like a test would start one. */
function dummy(cwd: string, args: string[] = []): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { cwd, stdio: 'ignore' });
  started.push(child);
  return child;
}
function folder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'igny8-leftovers-'));
  folders.push(dir);
  return dir;
}
/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
function check(args: string[]) {
  const r = spawnSync(process.execPath, [CHECK, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
/** Waits until /proc shows `child` running its own command (spawn returns before the exec). */
async function running(child: ChildProcess) {
  for (let i = 0; i < 250; i++) {
    if (processInfo(child.pid!)?.argv.includes('setInterval(() => {}, 1000)')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${child.pid} did not start`);
}

describe('the leftover check', () => {
  it('fails, naming the process, when a process started from the repository folder still runs', async () => {
    const port = await freePort();
    const child = dummy(ROOT);
    await running(child);
    const r = check(['--port', String(port)]);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`pid ${child.pid} (${process.execPath} -e setInterval`);
    expect(r.out).toContain(`working in ${ROOT}: runs in the checkout`);
  });

  it('passes when nothing runs from the folder, fails while something does, and passes again once it is stopped', async () => {
    const root = folder();
    const port = await freePort();
    expect(check(['--root', root, '--port', String(port)])).toMatchObject({ status: 0 });

    const child = dummy(path.join(os.tmpdir()), [path.join(root, 'wordpress', 'router.php')]);
    await running(child);
    const failed = check(['--root', root, '--port', String(port)]);
    expect(failed.status).toBe(1);
    expect(failed.out).toContain(`pid ${child.pid} `);
    expect(failed.out).toContain('names the checkout in its command line');

    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(check(['--root', root, '--port', String(port)])).toMatchObject({ status: 0 });
  });

  it('still finds a process whose folder has been deleted (a removed clone)', async () => {
    const root = folder();
    const inside = path.join(root, '.data', 'publisher-wordpress');
    spawnSync('mkdir', ['-p', inside]);
    const child = dummy(inside);
    await running(child);
    rmSync(root, { recursive: true, force: true });
    const r = check(['--root', root, '--port', String(await freePort())]);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`pid ${child.pid} `);
    expect(r.out).toContain(`working in ${inside}: runs in the checkout`);
  });

  it('fails when a process from anywhere listens on a harness port', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('up'))`],
      { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    started.push(child);
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    const r = check(['--root', folder(), '--port', String(port)]);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`pid ${child.pid} `);
    expect(r.out).toContain(`listens on harness port ${port}`);
  });

  it('takes the harness ports from the environment by default', () => {
    const r = spawnSync(process.execPath, [CHECK, '--root', folder()], {
      encoding: 'utf8',
      env: {
        ...process.env,
        WP_PORT: '18881',
        WP_DB_PORT: '13307',
        E2E_WP_PORT: '18891',
        E2E_WP_DB_PORT: '13317',
        PUBLISHER_WP_PORT: '18893',
        PUBLISHER_WP_DB_PORT: '13319',
      },
    });
    expect(`${r.stdout}${r.stderr}`).toContain('on ports 18881, 13307, 18891, 13317, 18893, 13319');
  });

  it('with --kill, stops what it found (the last resort of .ci/run) and then passes', async () => {
    const root = folder();
    const child = dummy(root);
    await running(child);
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const r = check(['--root', root, '--port', String(await freePort()), '--kill']);
    expect(r.status).toBe(0);
    expect(r.out).toContain('all stopped');
    expect(await exited).toBe('SIGTERM');
    expect(check(['--root', root, '--port', String(await freePort())])).toMatchObject({ status: 0 });
  });

  it('with --started-after, lists but does not count (nor stop) what ran in the checkout before the run began', async () => {
    const root = folder();
    const port = await freePort();
    const before = dummy(root); // a terminal or an editor, open in the clone before `.ci/run`
    await running(before);
    await new Promise((r) => setTimeout(r, 50)); // /proc start times count in 10 ms ticks
    const run = dummy(os.tmpdir()); // stands in for `.ci/run`'s own shell
    await running(run);
    await new Promise((r) => setTimeout(r, 50));
    const args = ['--root', root, '--port', String(port), '--started-after', String(run.pid)];

    const clean = check(args);
    expect(clean.status).toBe(0);
    expect(clean.out).toContain(`not counted, running since before this run`);
    expect(clean.out).toContain(`pid ${before.pid} `);

    const left = dummy(root); // started by the run, left behind
    await running(left);
    const failed = check(args);
    expect(failed.status).toBe(1);
    expect(failed.out).toMatch(new RegExp(`left behind[^]*pid ${left.pid} `));

    const killed = check([...args, '--kill']);
    expect(killed.status).toBe(0);
    expect(isRunning(left.pid!)).toBe(false);
    expect(isRunning(before.pid!)).toBe(true);
  });

  it('never counts itself or the processes that run it', () => {
    // This test runs inside the repository (vitest's cwd is server/): its own process is an ancestor of the check.
    const r = check(['--port', '1']);
    expect(r.out).not.toContain(`pid ${process.pid} `);
  });
});
