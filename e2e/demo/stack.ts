import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The demo's own folder (never the developer's .data/demo) and this run's results. */
export const DEMO_DIR = path.join(ROOT, '.data', 'demo-e2e');
export const DEMO_RESULTS = process.env.E2E_DEMO_RESULTS_DIR
  ? path.resolve(process.env.E2E_DEMO_RESULTS_DIR)
  : fileURLToPath(new URL('../test-results-demo', import.meta.url));
export const DEMO_STACK_FILE = path.join(DEMO_RESULTS, 'demo-stack.json');

/** What `npm run demo` wrote to its demo.json, plus what the setup measured. */
export interface DemoStack {
  serverUrl: string;
  docsUrl: string;
  siteId: string;
  account: { email: string; password: string };
  wordpress: {
    url: string;
    adminUrl: string;
    users: Record<'admin' | 'editor', { username: string; password: string }>;
  };
  keywordsFile: string;
  demoPid: number;
  readyMs: number;
  log: string;
}

export function demoStack(): DemoStack {
  return JSON.parse(readFileSync(DEMO_STACK_FILE, 'utf8'));
}
