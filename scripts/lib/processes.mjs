// Processes and listening ports, read from Linux's /proc (no `ps`, `ss` or `lsof` needed). Shared by the WordPress
// harness, the test suites' process guard and the leftover check.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the thread for `ms` (exit handlers cannot wait on timers). */
export const sleepSync = (ms) => Atomics.wait(SLEEPER, 0, 0, ms);

function readStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime
    // cstime priority nice threads itrealvalue starttime ...
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), start: Number(f[19]) };
  } catch {
    return null; // gone, or not ours to read
  }
}

function readArgv(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** The working directory of `pid` (" (deleted)" removed: the folder may be gone), or null when unreadable. */
export function processCwd(pid) {
  try {
    return readlinkSync(`/proc/${pid}/cwd`).replace(/ \(deleted\)$/, '');
  } catch {
    return null;
  }
}

/**
 * One process: pid, ppid, pgid, state (R, S, Z...), start (clock ticks after boot, with pid it names the process
 * even after the pid is reused), argv, cwd. Null when it does not exist (zombies are returned with state Z).
 */
export function processInfo(pid) {
  const stat = readStat(pid);
  if (!stat) return null;
  return { pid: Number(pid), ...stat, argv: readArgv(pid), cwd: processCwd(pid) };
}

/** Every process this user can see, zombies left out. */
export function listProcesses() {
  const procs = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = processInfo(name);
    if (p && p.state !== 'Z') procs.push(p);
  }
  return procs;
}

/** True while `pid` runs (a zombie counts as gone); with `start`, only while it is still that same process. */
export function isRunning(pid, start) {
  const stat = readStat(pid);
  return Boolean(stat && stat.state !== 'Z' && (start === undefined || stat.start === start));
}

/** `pid`, its parent, its parent's parent... up to init. */
export function ancestorsOf(pid) {
  const chain = new Set();
  let current = Number(pid);
  while (current > 0 && !chain.has(current)) {
    chain.add(current);
    current = readStat(current)?.ppid ?? 0;
  }
  return chain;
}

/** Every process below `pid` (children, their children...), as process records. */
export function descendantsOf(pid, procs = listProcesses()) {
  const children = new Map();
  for (const p of procs) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(p);
  }
  const found = [];
  const queue = [Number(pid)];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** TCP ports in LISTEN state (IPv4 and IPv6) -> socket inodes. */
function listeningInodes() {
  const byPort = new Map();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue; // 0A: LISTEN
      const port = parseInt(cols[1].split(':').pop(), 16);
      if (!byPort.has(port)) byPort.set(port, new Set());
      byPort.get(port).add(cols[9]);
    }
  }
  return byPort;
}

/**
 * Who listens on each of `ports`: Map port -> { pids: process records, hidden: true when a listening socket has no
 * owner this user can see (another user's process) }. Ports nobody listens on are absent.
 */
export function portHolders(ports) {
  const wanted = new Set(ports.map(Number));
  const inodes = listeningInodes();
  const result = new Map();
  const owners = new Map(); // inode -> port
  for (const port of wanted) {
    for (const inode of inodes.get(port) ?? []) owners.set(`socket:[${inode}]`, port);
    if (inodes.has(port)) result.set(port, { pids: [], hidden: false, sockets: new Set(inodes.get(port)) });
  }
  if (owners.size === 0) return result;
  const seen = new Set();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let fds = [];
    try {
      fds = readdirSync(`/proc/${name}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target;
      try {
        target = readlinkSync(`/proc/${name}/fd/${fd}`);
      } catch {
        continue;
      }
      const port = owners.get(target);
      if (port === undefined || seen.has(`${port}:${name}`)) continue;
      seen.add(`${port}:${name}`);
      const p = processInfo(name);
      if (p) result.get(port).pids.push(p);
      result.get(port).sockets.delete(target.slice(8, -1));
    }
  }
  for (const entry of result.values()) {
    // A socket no visible process holds belongs to a process of another user (or one that just exited).
    entry.hidden = entry.sockets.size > 0 && entry.pids.length === 0;
    delete entry.sockets;
  }
  return result;
}

/** "pid 123 (php -S 127.0.0.1:8893 -t …), working in /path" for messages. */
export function describeProcess(p) {
  const cmd = p.argv.join(' ') || '(no command line)';
  const short = cmd.length > 240 ? `${cmd.slice(0, 237)}...` : cmd;
  return `pid ${p.pid} (${short})${p.cwd ? `, working in ${p.cwd}` : ''}`;
}

/**
 * Stops processes and waits for them: SIGTERM (to the whole process group for entries with `group: true`), then
 * SIGKILL after `graceMs`. Entries are { pid, start?, group? }; a pid that now names another process (a different
 * start time) is left alone. Synchronous, so it works in exit handlers. Returns the entries that were still running.
 */
export function terminateSync(entries, { graceMs = 10_000 } = {}) {
  const groupAlive = (pgid) => listProcesses().some((p) => p.pgid === pgid);
  const running = (e) => (e.group ? groupAlive(e.pid) : isRunning(e.pid, e.start));
  const targets = entries.filter(running);
  const signal = (sig) => {
    for (const e of targets) {
      try {
        process.kill(e.group ? -e.pid : e.pid, sig);
      } catch {
        // exited meanwhile
      }
    }
  };
  const remaining = () => targets.filter(running);
  if (targets.length === 0) return targets;
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (remaining().length && Date.now() < deadline) sleepSync(100);
  if (remaining().length) {
    signal('SIGKILL');
    const killDeadline = Date.now() + 5_000;
    while (remaining().length && Date.now() < killDeadline) sleepSync(50);
  }
  return targets;
}
