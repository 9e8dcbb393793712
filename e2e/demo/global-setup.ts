import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { guardSuite } from '../../scripts/lib/suite-guard.mjs';
import { DEMO_DIR, DEMO_RESULTS, DEMO_STACK_FILE, ROOT, type DemoStack } from './stack.ts';
import { freePort } from '../support/ports.ts';

/**
 * Runs the README's demo command itself (`node scripts/demo.mjs --reset`, what `npm run demo` runs) in its own folder
 * and ports, as a newcomer would on a fresh clone, and waits for its "ready" line. The teardown sends it Ctrl-C
 * (SIGINT), which must stop everything it started; the suite guard stops what is left if the run ends otherwise.
 */
export default async function globalSetup() {
  const guard = guardSuite('e2e-demo');
  rmSync(DEMO_RESULTS, { recursive: true, force: true });
  mkdirSync(DEMO_RESULTS, { recursive: true });
  const log = path.join(DEMO_RESULTS, 'demo.log');
  const ports = {
    DEMO_PORT: String(await freePort()),
    DEMO_FAKE_AI_PORT: String(await freePort()),
    DEMO_WP_PORT: process.env.E2E_DEMO_WP_PORT ?? '8897',
    DEMO_WP_DB_PORT: process.env.E2E_DEMO_WP_DB_PORT ?? '3323',
  };
  const started = Date.now();
  const demo = spawn(process.execPath, ['scripts/demo.mjs', '--reset'], {
    cwd: ROOT,
    env: { ...process.env, ...ports, DEMO_DIR },
    stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
    detached: true,
  });
  demo.unref();
  guard.track(demo.pid!);
  const deadline = Date.now() + 300_000;
  for (;;) {
    const out = readFileSync(log, 'utf8');
    if (/IGNY8 demo ready in/.test(out)) break;
    if (demo.exitCode !== null || /demo: ERROR/.test(out)) throw new Error(`npm run demo failed:\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm run demo was not ready within 5 minutes:\n${out}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const state = JSON.parse(readFileSync(path.join(DEMO_DIR, 'demo.json'), 'utf8'));
  const stack: DemoStack = { ...state, demoPid: demo.pid!, readyMs: Date.now() - started, log };
  writeFileSync(DEMO_STACK_FILE, JSON.stringify(stack, null, 2));
}
