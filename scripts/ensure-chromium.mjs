#!/usr/bin/env node
// Runs before the end-to-end tests: Playwright drives Debian's Chromium (never a downloaded browser build, which
// cannot be fetched on these machines). Installs the `chromium` package when it is missing and we are root.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const log = (msg) => console.log(`ensure-chromium: ${msg}`);

if (existsSync(path)) process.exit(0);
if (process.env.CHROMIUM_PATH) {
  console.error(`ensure-chromium: CHROMIUM_PATH points to ${path}, which does not exist.`);
  process.exit(1);
}
if (process.getuid?.() !== 0) {
  console.error('ensure-chromium: Chromium is missing. Install it with: sudo apt-get install chromium');
  console.error('(or set CHROMIUM_PATH to a Chromium or Chrome binary).');
  process.exit(1);
}
const apt = (args) => {
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
};
log('installing Debian package chromium');
if (!apt(['install', '-y', '--no-install-recommends', 'chromium'])) {
  log('refreshing package lists');
  if (!apt(['update']) || !apt(['install', '-y', '--no-install-recommends', 'chromium'])) {
    console.error('ensure-chromium: apt-get could not install chromium.');
    process.exit(1);
  }
}
log(`ready: ${path}`);
