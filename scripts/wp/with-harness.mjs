#!/usr/bin/env node
// Runs a command against the WordPress harness and stops the harness again afterwards when this run started it:
//
//   node scripts/wp/with-harness.mjs <command> [args...]       (the plugin's `npm test` wraps PHPUnit with it)
//
// The harness is the one WP_HARNESS_DIR / WP_PORT / WP_DB_PORT select (scripts/wp/harness.mjs). What its start
// launches is recorded (WP_HARNESS_STARTED_FILE) and stopped when the command ends, whether it passes, fails or is
// interrupted (SIGINT, SIGTERM, SIGHUP are passed on to the command, then the harness is stopped). A harness that was
// already running (a developer's `npm run wp:start`) is left running. Exits with the command's status.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendantsOf } from '../lib/processes.mjs';
import { stopStartedHarnesses } from '../lib/suite-guard.mjs';

const HARNESS = join(dirname(fileURLToPath(import.meta.url)), 'harness.mjs');
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/wp/with-harness.mjs <command> [args...]');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'igny8-with-harness-'));
const startedFile = join(dir, 'wp-harness-started.jsonl');
const env = { ...process.env, WP_HARNESS_STARTED_FILE: startedFile };
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

let interrupted = null;
for (const signal of Object.keys(SIGNALS)) {
  process.on(signal, () => {
    interrupted ??= signal;
    // A Ctrl-C reaches the whole process group already; a signal sent to this process alone is passed on to the
    // whole tree below it (npm and sh do not pass a SIGTERM on to PHPUnit).
    for (const p of descendantsOf(process.pid)) {
      try {
        process.kill(p.pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  });
}

/** Runs a process with this one's terminal; resolves with its exit status (128 + n when a signal ended it). */
function run(cmd, argv) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: 'inherit', env });
    child.once('error', (err) => {
      console.error(`with-harness: cannot run ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? 128 + (SIGNALS[signal] ?? 9)));
  });
}

let status = await run(process.execPath, [HARNESS, 'start']);
if (status === 0 && !interrupted) status = await run(command, args);
if (!stopStartedHarnesses(startedFile)) {
  console.error('with-harness: stopping the WordPress harness this run started failed (see above)');
  if (status === 0) status = 1;
}
rmSync(dir, { recursive: true, force: true });
process.exit(interrupted ? 128 + SIGNALS[interrupted] : status);
