// scripts/lib/suite-guard.mjs, which vitest's and Playwright's global setups install: whatever a suite starts is
// stopped however the suite ends. test/fixtures/guarded-run.mjs plays the runner (see there).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { descendantsOf, isRunning, processInfo } from '../../../scripts/lib/processes.mjs';

const FIXTURE = fileURLToPath(new URL('../fixtures/guarded-run.mjs', import.meta.url));

interface Started {
  worker: number;
  server: number;
  php: number;
  mariadb: number;
  file: string;
}
interface Run {
  child: ChildProcess;
  started: Started;
  /** Every process the run started, with its start time (a pid reused later is not mistaken for it). */
  processes: { pid: number; start: number; what: string }[];
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

async function startRun(mode: 'teardown' | 'crash' | 'wait', env: Record<string, string> = {}): Promise<Run> {
  const harnessDir = mkdtempSync(path.join(os.tmpdir(), 'igny8-guarded-harness-'));
  // Its own process group, like a runner started from a terminal: a Ctrl-C can be sent to the group alone.
  const child = spawn(process.execPath, [FIXTURE, mode, harnessDir], {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let line = '';
  for (let i = 0; i < 200 && !(line = out.split('\n').find((l) => l.startsWith('{')) ?? ''); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  if (!line) throw new Error(`the fixture did not start:\n${out}`);
  const started = JSON.parse(line) as Started;
  const processes = [
    ...(['server', 'php', 'mariadb'] as const).map((what) => ({ what, pid: started[what] })),
    // The worker and the server it started (the grandchild).
    ...descendantsOf(child.pid!)
      .filter((p) => ![started.server, started.php, started.mariadb].includes(p.pid))
      .map((p) => ({ what: p.pid === started.worker ? 'worker' : 'worker child', pid: p.pid })),
  ].map((p) => ({ ...p, start: processInfo(p.pid)!.start }));
  cleanup.push(() => {
    for (const p of processes) if (isRunning(p.pid, p.start)) process.kill(p.pid, 'SIGKILL');
    rmSync(harnessDir, { recursive: true, force: true });
    // The guard's own folder: gone unless the run was SIGKILLed.
    rmSync(path.dirname(started.file), { recursive: true, force: true });
  });
  return { child, started, processes, output: () => out, exited };
}

function stillRunning(run: Run) {
  return run.processes.filter((p) => isRunning(p.pid, p.start)).map((p) => `${p.what} (pid ${p.pid})`);
}

describe('the suite guard', () => {
  it('starts what the fixture says (a worker with a child, a tracked server, a harness php -S and MariaDB)', async () => {
    const run = await startRun('wait');
    expect(run.processes.map((p) => p.what).sort()).toEqual(
      ['mariadb', 'php', 'server', 'worker', 'worker child'].sort(),
    );
    expect(stillRunning(run)).toHaveLength(5);
    process.kill(-run.child.pid!, 'SIGKILL');
    await run.exited;
  });

  it('the normal teardown stops everything the suite started, harnesses included', async () => {
    const run = await startRun('teardown');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(stillRunning(run)).toEqual([]);
    expect(run.output()).toContain('stopping php -S');
    expect(run.output()).toContain('stopping MariaDB');
    expect(existsSync(run.started.file)).toBe(false);
  });

  it('a suite that crashes still stops everything, and says what it stopped', async () => {
    const run = await startRun('crash');
    expect((await run.exited).code).toBe(1);
    expect(stillRunning(run)).toEqual([]);
    expect(run.output()).toContain('the suite crashed');
    expect(run.output()).toMatch(/guarded-run: stopping 5 process\(es\) this run started/);
  });

  it('SIGTERM to the runner alone stops everything', async () => {
    const run = await startRun('wait', { RUNNER_LIKE: '1' });
    process.kill(run.child.pid!, 'SIGTERM');
    expect((await run.exited).code).toBe(143);
    expect(stillRunning(run)).toEqual([]);
  });

  it('a Ctrl-C (SIGINT to the whole process group) of a runner that exits on SIGINT stops everything', async () => {
    const run = await startRun('wait', { RUNNER_LIKE: '1' });
    process.kill(-run.child.pid!, 'SIGINT');
    await run.exited;
    expect(stillRunning(run)).toEqual([]);
  });

  it('SIGINT to a plain script guarded with { sigint: true } stops everything', async () => {
    const run = await startRun('wait', { GUARD_SIGINT: '1' });
    process.kill(run.child.pid!, 'SIGINT');
    expect((await run.exited).code).toBe(130);
    expect(stillRunning(run)).toEqual([]);
  });

  it('SIGHUP (the terminal closed) stops everything', async () => {
    const run = await startRun('wait');
    process.kill(run.child.pid!, 'SIGHUP');
    expect((await run.exited).code).toBe(129);
    expect(stillRunning(run)).toEqual([]);
  });
});
