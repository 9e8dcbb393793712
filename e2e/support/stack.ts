import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Where a run keeps its stack file, logs, screenshots and report. E2E_RESULTS_DIR, E2E_WP_HARNESS_DIR, E2E_WP_PORT
 * and E2E_WP_DB_PORT let two runs share a machine (each with its own WordPress, ports and results).
 */
export const RESULTS = process.env.E2E_RESULTS_DIR
  ? path.resolve(process.env.E2E_RESULTS_DIR)
  : fileURLToPath(new URL('../test-results', import.meta.url));
/** Screenshots of each screen, kept as test artifacts. */
export const SCREENS = path.join(RESULTS, 'screens');
/** The e2e suite's own WordPress, beside (never instead of) the development one. */
export const E2E_WP_ENV = {
  WP_HARNESS_DIR: process.env.E2E_WP_HARNESS_DIR
    ? path.resolve(process.env.E2E_WP_HARNESS_DIR)
    : fileURLToPath(new URL('../../.data/e2e-wordpress', import.meta.url)),
  WP_PORT: process.env.E2E_WP_PORT ?? '8891',
  WP_DB_PORT: process.env.E2E_WP_DB_PORT ?? '3317',
};

/** E2E_KEEP_WORDPRESS=1: the run leaves its WordPress running for inspection (stop it with harness.mjs stop). */
export const KEEP_WORDPRESS = process.env.E2E_KEEP_WORDPRESS === '1';

export const STACK_FILE = path.join(RESULTS, 'stack.json');

/** What the global setup started, for specs and the teardown. */
export interface Stack {
  serverUrl: string;
  serverPid: number;
  /** The fake AI provider the server uses as its demo endpoint (AI_DEMO_BASE_URL). */
  fakeAiUrl: string;
  fakeAiPid: number;
  /** The SMTP server the IGNY8 server mails to (support/mail-sink.ts). */
  mailSinkPid: number;
  serverLog: string;
  database: string;
  adminDatabaseUrl: string;
  encryptionKeys: string;
  wp: {
    url: string;
    adminUrl: string;
    restUrl: string;
    users: Record<'admin' | 'editor' | 'author', { username: string; password: string }>;
    db: { socket: string; name: string; user: string; password: string };
  };
  logFiles: string[];
}

export function stack(): Stack {
  return JSON.parse(readFileSync(STACK_FILE, 'utf8'));
}

/** Secrets created during the run; the last spec checks none of them reached a log. */
export const SECRETS_FILE = path.join(RESULTS, 'secrets.json');
