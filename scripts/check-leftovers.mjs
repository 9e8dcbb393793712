#!/usr/bin/env node
// Lists the processes a test run left behind, from Linux's /proc: every process that runs from this checkout's folder
// (its working directory or an argument inside it, also when the folder has been deleted since) and every process
// that listens on a WordPress harness port. Exits 1 when there are any, 0 when there are none. `.ci/run` runs it at
// the end of every run (and from its trap when a run fails or is interrupted).
//
//   node scripts/check-leftovers.mjs [--root DIR] [--port N]... [--wait SECONDS] [--kill] [--started-after PID]
//
//   --root DIR           the folder to look for (default: this checkout)
//   --port N             a port to look at (repeatable); without any, the harness ports: WP_PORT (8881),
//                        WP_DB_PORT (3307), E2E_WP_PORT (8891), E2E_WP_DB_PORT (3317), PUBLISHER_WP_PORT (8893),
//                        PUBLISHER_WP_DB_PORT (3319), each from the environment when set
//   --wait SECONDS       give processes that are still shutting down this long to go before listing them
//   --started-after PID  count a process in the checkout only when it started after PID (the CI script's shell): older
//                        ones (a terminal, an editor) are listed but not counted; harness port holders always count
//   --kill               last resort: stop what was found (SIGTERM, SIGKILL after 10 s), with --started-after only
//                        what started after PID; exits 0 when nothing counted is left
//
// Never counted: this process and its ancestors (the shell or CI script that runs it).
import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ancestorsOf,
  describeProcess,
  listProcesses,
  portHolders,
  processInfo,
  sleepSync,
  terminateSync,
} from './lib/processes.mjs';

const HARNESS_PORTS = [
  ['WP_PORT', 8881],
  ['WP_DB_PORT', 3307],
  ['E2E_WP_PORT', 8891],
  ['E2E_WP_DB_PORT', 3317],
  ['PUBLISHER_WP_PORT', 8893],
  ['PUBLISHER_WP_DB_PORT', 3319],
];

const fail = (message) => {
  console.error(`check-leftovers: ${message}`);
  process.exit(2);
};

let args;
try {
  args = parseArgs({
    options: {
      root: { type: 'string' },
      port: { type: 'string', multiple: true },
      wait: { type: 'string' },
      kill: { type: 'boolean' },
      'started-after': { type: 'string' },
    },
  }).values;
} catch (err) {
  fail(err.message);
}

const root = resolve(args.root ?? resolve(dirname(fileURLToPath(import.meta.url)), '..'));
const toPort = (raw, what) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${what} must be a TCP port, got "${raw}"`);
  return n;
};
const ports = args.port?.length
  ? args.port.map((p) => toPort(p, '--port'))
  : HARNESS_PORTS.map(([name, fallback]) => (process.env[name] ? toPort(process.env[name], name) : fallback));
const waitMs = args.wait === undefined ? 0 : Number(args.wait) * 1000;
if (!Number.isFinite(waitMs) || waitMs < 0) fail(`--wait must be a number of seconds, got "${args.wait}"`);
let since = null;
if (args['started-after'] !== undefined) {
  since = processInfo(Number(args['started-after']))?.start ?? null;
  if (since === null) fail(`--started-after: no process ${args['started-after']}`);
}

const inside = (path) => path === root || path.startsWith(`${root}/`);
const mentions = (arg) => arg === root || arg.includes(`${root}/`) || arg.endsWith(`=${root}`);

/**
 * Everything left behind right now: `found` (pid -> { proc, reasons[] }) counts; `older` holds the processes in the
 * checkout that run since before --started-after's process (a terminal or an editor, not this run's), listed only;
 * `hidden` the harness ports held by processes this user cannot see.
 */
function find() {
  const skip = ancestorsOf(process.pid);
  const found = new Map();
  const older = new Map();
  const add = (proc, reason) => {
    if (skip.has(proc.pid)) return;
    // A harness port counts whoever holds it (ports come first); the checkout only what this run started.
    const counted = found.has(proc.pid) || reason.startsWith('listens') || since === null || proc.start >= since;
    const into = counted ? found : older;
    if (!into.has(proc.pid)) into.set(proc.pid, { proc, reasons: [] });
    into.get(proc.pid).reasons.push(reason);
  };
  const holders = portHolders(ports);
  const hidden = [];
  for (const [port, held] of holders) {
    for (const proc of held.pids) add(proc, `listens on harness port ${port}`);
    if (held.hidden) hidden.push(port);
  }
  for (const proc of listProcesses()) {
    if (proc.cwd && inside(proc.cwd)) add(proc, 'runs in the checkout');
    else if (proc.argv.some(mentions)) add(proc, 'names the checkout in its command line');
  }
  return { found, older, hidden };
}
const describe = (entries) =>
  [...entries.values()].map(({ proc, reasons }) => `  ${describeProcess(proc)}: ${reasons.join(', ')}`);

let { found, older, hidden } = find();
const deadline = Date.now() + waitMs;
while ((found.size || hidden.length) && Date.now() < deadline) {
  sleepSync(250);
  ({ found, older, hidden } = find());
}

if (older.size) {
  console.error(
    `check-leftovers: not counted, running since before this run (started elsewhere, e.g. a terminal or an editor):\n` +
      describe(older).join('\n'),
  );
}
if (found.size === 0 && hidden.length === 0) {
  console.log(`check-leftovers: nothing left running from ${root} or on ports ${ports.join(', ')}`);
  process.exit(0);
}

const lines = describe(found);
for (const port of hidden) lines.push(`  port ${port}: held by a process of another user (not visible to this one)`);
console.error(
  `check-leftovers: ${found.size + hidden.length} process(es) left behind (from ${root} or on ports ${ports.join(', ')}):\n` +
    lines.join('\n'),
);

if (!args.kill) process.exit(1);

// The last resort stops only what this run started (with --started-after): an older port holder is reported.
const stoppable = [...found.values()].filter(({ proc }) => since === null || proc.start >= since);
console.error(`check-leftovers: stopping ${stoppable.length} of them (SIGTERM, then SIGKILL after 10 s)`);
terminateSync(
  stoppable.map(({ proc }) => ({ pid: proc.pid, start: proc.start })),
  { graceMs: 10_000 },
);
({ found, hidden } = find());
if (found.size || hidden.length) {
  console.error(`check-leftovers: still running: ${[...found.keys(), ...hidden.map((p) => `port ${p}`)].join(', ')}`);
  process.exit(1);
}
console.error('check-leftovers: all stopped');
