// For the main process of a test runner (vitest's and Playwright's global setup): whatever the suite starts is
// stopped when the suite ends, however it ends: its teardown, a failure, SIGINT, SIGTERM or SIGHUP. (SIGKILL cannot
// be caught: `.ci/run` stops what such a run leaves, as a last resort.)
//
// - WordPress harnesses: the guard sets WP_HARNESS_STARTED_FILE, so every `scripts/wp/harness.mjs start` run by the
//   suite (from any test worker) records the MariaDB and php -S it starts; those harnesses are stopped at the end.
//   A harness that was already running before the suite (a developer's site) is not recorded and stays up.
// - Detached processes the suite spawns (a server, a fake provider) are passed to `track(pid)`.
// - On an abnormal exit, the runner's own children and their children (test workers, the servers they spawned, a
//   harness start in progress) are stopped first: a test worker whose runner died keeps running otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeProcess, descendantsOf, processInfo, terminateSync } from './processes.mjs';

const HARNESS = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'wp', 'harness.mjs');

/** Stops the WordPress harnesses `startedFile` lists (see harness.mjs `stop-started`); synchronous. */
export function stopStartedHarnesses(startedFile) {
  if (!startedFile || !existsSync(startedFile)) return true;
  const r = spawnSync(process.execPath, [HARNESS, 'stop-started', startedFile], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WP_HARNESS_STARTED_FILE: '' },
  });
  if (r.status !== 0) return false;
  rmSync(startedFile, { force: true });
  return true;
}

/** Stops detached process groups `{ pid, start }` (SIGTERM, SIGKILL after `graceMs`); synchronous. */
export function stopProcessGroups(entries, graceMs = 10_000) {
  terminateSync(
    entries.map((e) => ({ ...e, group: true })),
    { graceMs },
  );
}

let active = null;

/**
 * Installs the guard (once per process; later calls return the same one). `name` names it in messages and in its
 * temporary folder. `sigint: true` for a plain script (no test runner handling Ctrl-C): SIGINT then exits through the
 * guard too. Returns { startedFile, track(pid), stop() }: `stop` is the normal teardown, safe to call more than once.
 */
export function guardSuite(name, { sigint = false } = {}) {
  if (active) return active;
  const dir = mkdtempSync(join(tmpdir(), `igny8-${name}-`));
  const startedFile = join(dir, 'wp-harness-started.jsonl');
  process.env.WP_HARNESS_STARTED_FILE = startedFile;
  const tracked = [];

  let tornDown = false;
  const stop = () => {
    tornDown = true;
    stopProcessGroups(tracked.splice(0));
    stopStartedHarnesses(startedFile);
  };
  let exited = false;
  const onExit = () => {
    if (exited) return;
    exited = true;
    const left = descendantsOf(process.pid);
    // After a normal teardown only helpers such as esbuild's service remain: stopped without a word.
    if (left.length && !tornDown) {
      console.error(
        `${name}: stopping ${left.length} process(es) this run started:\n${left.map((p) => `  ${describeProcess(p)}`).join('\n')}`,
      );
    }
    terminateSync(
      left.map((p) => ({ pid: p.pid, start: p.start })),
      { graceMs: 15_000 },
    );
    stop();
    rmSync(dir, { recursive: true, force: true });
  };
  // First in line: a runner's own exit listener may call process.exit() again, which skips the listeners after it.
  process.prependListener('exit', onExit);
  // SIGINT is the runners' own (vitest exits, Playwright runs its teardown, then exits): the exit listener follows.
  // SIGTERM and SIGHUP would end the process without exit listeners.
  const signals = [
    ['SIGTERM', 15],
    ['SIGHUP', 1],
  ];
  if (sigint) signals.push(['SIGINT', 2]);
  for (const [signal, number] of signals) process.on(signal, () => process.exit(128 + number));

  active = {
    startedFile,
    track(pid) {
      const info = processInfo(pid);
      if (info) tracked.push({ pid, start: info.start });
    },
    stop,
  };
  return active;
}
