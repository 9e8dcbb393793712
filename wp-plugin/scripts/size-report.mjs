/**
 * Prints each built entry's gzipped JavaScript size and fails the build when one is over the budget.
 *
 * WordPress's own packages (wp-element, wp-components, wp-data...) are externals: the dependency extraction plugin
 * leaves them out of build/<entry>.js and lists them in build/<entry>.asset.php, so what is measured here is only
 * what the plugin itself ships for that screen. CSS is reported beside it but not counted against the budget.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import entries from './entries.cjs';

/** Budget per screen, gzipped JavaScript (the target). */
export const BUDGET_BYTES = 60 * 1024;

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const readIfThere = async (file) => {
  try {
    return await readFile(join(pluginDir, file));
  } catch {
    return null;
  }
};

const rows = [];
const over = [];
for (const entry of Object.keys(entries)) {
  const script = await readIfThere(join('build', `${entry}.js`));
  if (!script) {
    over.push(`${entry}: build/${entry}.js is missing`);
    continue;
  }
  const gzipped = gzipSync(script, { level: 9 }).length;
  const css = await readIfThere(join('build', `${entry}.css`));
  rows.push({
    entry,
    js: kb(script.length),
    'js gzipped': kb(gzipped),
    'css gzipped': css ? kb(gzipSync(css, { level: 9 }).length) : '-',
    budget: `${Math.round((gzipped / BUDGET_BYTES) * 100)}% of ${kb(BUDGET_BYTES)}`,
  });
  if (gzipped > BUDGET_BYTES) {
    over.push(`${entry}: ${kb(gzipped)} gzipped is over the ${kb(BUDGET_BYTES)} budget`);
  }
}

console.log('Script sizes per screen (WordPress externals not counted):');
console.table(rows);
if (over.length > 0) {
  console.error(`Size report failed:\n- ${over.join('\n- ')}`);
  process.exit(1);
}
