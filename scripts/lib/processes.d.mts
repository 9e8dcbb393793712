export interface ProcessRecord {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  /** Clock ticks after boot: with the pid, names the process even once the pid is reused. */
  start: number;
  argv: string[];
  cwd: string | null;
}
export interface StopEntry {
  pid: number;
  start?: number;
  group?: boolean;
}
export function sleepSync(ms: number): void;
export function processCwd(pid: number): string | null;
export function processInfo(pid: number | string): ProcessRecord | null;
export function listProcesses(): ProcessRecord[];
export function isRunning(pid: number, start?: number): boolean;
export function ancestorsOf(pid: number): Set<number>;
export function descendantsOf(pid: number, procs?: ProcessRecord[]): ProcessRecord[];
export function portHolders(ports: number[]): Map<number, { pids: ProcessRecord[]; hidden: boolean }>;
export function describeProcess(p: ProcessRecord): string;
export function terminateSync(entries: StopEntry[], options?: { graceMs?: number }): StopEntry[];
