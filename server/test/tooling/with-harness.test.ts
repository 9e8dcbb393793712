// scripts/wp/with-harness.mjs, which the plugin's PHPUnit suite runs under: the command gets a running WordPress,
// and whatever the harness start launched is stopped when the command ends (passing, failing or interrupted), while
// a harness that was already running stays up. A real harness in a folder of its own, on free ports.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning, listProcesses, portHolders } from '../../../scripts/lib/processes.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HARNESS = path.join(ROOT, 'scripts/wp/harness.mjs');
const WITH_HARNESS = path.join(ROOT, 'scripts/wp/with-harness.mjs');

let dir: string;
let env: NodeJS.ProcessEnv;
let ports: number[];
/** The command of the SIGTERM case, killed at the end should with-harness have missed it. */
let command = 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
/** The harness processes of this test's folder (MariaDB, php -S and its workers). */
const harnessProcesses = () => listProcesses().filter((p) => p.argv.some((a) => a.includes(dir)));

/** Runs with-harness with `command`; resolves with its exit code and output. */
function withHarness(command: string[], onOutput?: (out: string, pid: number) => void) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [WITH_HARNESS, ...command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (d: Buffer) => {
      out += d;
      onOutput?.(out, child.pid!);
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'igny8-with-harness-test-'));
  ports = [await freePort(), await freePort()];
  env = { ...process.env, WP_HARNESS_DIR: dir, WP_PORT: String(ports[0]), WP_DB_PORT: String(ports[1]) };
  delete env.WP_HARNESS_STARTED_FILE; // the test's own run must not adopt this harness
});
afterAll(() => {
  if (command && isRunning(command)) process.kill(command, 'SIGKILL');
  spawnSync(process.execPath, [HARNESS, 'stop'], { env, stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

describe('with-harness', () => {
  it("gives the command a running WordPress, passes on the command's status and stops the harness it started", async () => {
    const probe = `fetch('http://127.0.0.1:${ports[0]}/?rest_route=/').then((r) => process.exit(r.status === 200 ? 3 : 1))`;
    const r = await withHarness([process.execPath, '-e', probe]);
    expect(r.code, r.out).toBe(3); // the site answered; 3 is the command's own (failing) status
    expect(r.out).toContain('wp: stopping php -S');
    expect(r.out).toContain('wp: stopping MariaDB');
    expect(harnessProcesses()).toEqual([]);
    expect(portHolders(ports).size).toBe(0);
  }, 240_000);

  it('leaves a harness that was already running up', async () => {
    const start = spawnSync(process.execPath, [HARNESS, 'start'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(start.status, `${start.stdout}${start.stderr}`).toBe(0);
    const before = harnessProcesses().map((p) => p.pid);
    expect(before.length).toBeGreaterThan(1);

    const r = await withHarness([process.execPath, '-e', 'process.exit(0)']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('php -S already running');
    expect(r.out).not.toContain('wp: stopping');
    expect(harnessProcesses().map((p) => p.pid)).toEqual(before);

    spawnSync(process.execPath, [HARNESS, 'stop'], { env, stdio: 'ignore' });
    expect(harnessProcesses()).toEqual([]);
  }, 240_000);

  it('a SIGTERM to with-harness alone reaches the command below npm-like wrappers, then stops the harness', async () => {
    // sh -c between with-harness and the command, as `npm run test:php` puts npm and sh there: sh does not pass a
    // SIGTERM on, so with-harness must reach the command itself.
    let sent = false;
    const r = await withHarness(
      ['sh', '-c', `${process.execPath} -e "console.log('COMMAND', process.pid); setInterval(() => {}, 1000)"; true`],
      (out, pid) => {
        const m = /COMMAND (\d+)/.exec(out);
        if (m && !sent) {
          sent = true;
          command = Number(m[1]);
          process.kill(pid, 'SIGTERM');
        }
      },
    );
    expect(sent, r.out).toBe(true);
    expect(r.code).toBe(143);
    expect(isRunning(command)).toBe(false);
    expect(r.out).toContain('wp: stopping MariaDB');
    expect(harnessProcesses()).toEqual([]);
    expect(portHolders(ports).size).toBe(0);
  }, 240_000);
});
