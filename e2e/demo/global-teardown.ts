import { readFileSync } from 'node:fs';
import { isRunning } from '../../scripts/lib/processes.mjs';
import { demoStack } from './stack.ts';

/** Ctrl-C to the demo, as a person would: it must stop WordPress, MariaDB, the server and the demo AI itself. */
export default async function globalTeardown() {
  const stack = demoStack();
  process.kill(stack.demoPid, 'SIGINT');
  const deadline = Date.now() + 60_000;
  while (isRunning(stack.demoPid)) {
    if (Date.now() > deadline)
      throw new Error(`npm run demo did not stop within 60 s of Ctrl-C:\n${readFileSync(stack.log, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!/demo: stopped\./.test(readFileSync(stack.log, 'utf8'))) {
    throw new Error(`npm run demo did not say it stopped:\n${readFileSync(stack.log, 'utf8')}`);
  }
}
