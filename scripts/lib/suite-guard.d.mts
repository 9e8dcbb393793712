export interface SuiteGuard {
  /** The WP_HARNESS_STARTED_FILE every harness start of this suite records into. */
  startedFile: string;
  /** A detached process (group) this suite started, stopped at the end. */
  track(pid: number): void;
  /** The normal teardown: stops the tracked processes and the harnesses the suite started. */
  stop(): void;
}
export function guardSuite(name: string, options?: { sigint?: boolean }): SuiteGuard;
export function stopStartedHarnesses(startedFile: string | undefined): boolean;
export function stopProcessGroups(entries: { pid: number; start?: number }[], graceMs?: number): void;
