/**
 * Fails the build when a built script would not run on WordPress 6.1 (the plugin's "Requires at least").
 *
 * - A `react-jsx-runtime` dependency: that script handle exists only from WordPress 6.6, and WordPress skips a
 *   script whose dependency is not registered, so the screen would stay on "Loading".
 * - React's own element code bundled in (`react/jsx-runtime` from npm): npm's React 19 elements are rejected by
 *   the React 17 that WordPress 6.1 ships.
 * babel.config.js compiles JSX to `createElement` from `@wordpress/element` to avoid both.
 * - zod bundled in: the plugin takes the API contract's types from @igny8/shared with `import type` only. A value
 *   import (a schema, a constant) would bundle the whole contract with zod and its crypto into every screen.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import entries from './entries.cjs';

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

for (const entry of Object.keys(entries)) {
  const assetFile = join('build', `${entry}.asset.php`);
  const scriptFile = join('build', `${entry}.js`);
  let asset;
  let script;
  try {
    [asset, script] = await Promise.all([
      readFile(join(pluginDir, assetFile), 'utf8'),
      readFile(join(pluginDir, scriptFile), 'utf8'),
    ]);
  } catch (error) {
    problems.push(`${entry}: ${error.message}`);
    continue;
  }
  if (asset.includes("'react-jsx-runtime'")) {
    problems.push(`${assetFile} depends on 'react-jsx-runtime', which WordPress 6.1 does not register`);
  }
  if (/react\.transitional\.element|react\/jsx-runtime|react\.element/.test(script)) {
    problems.push(`${scriptFile} bundles React's JSX runtime; WordPress 6.1's React 17 rejects its elements`);
  }
  // zod's class names survive minification as strings ("$ZodType", "ZodError").
  if (/\$Zod[A-Z]|ZodError/.test(script)) {
    problems.push(
      `${scriptFile} bundles zod: import @igny8/shared with \`import type\` only (its types, never values)`,
    );
  }
}

if (problems.length > 0) {
  console.error(`Build check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  `Build check passed: ${Object.keys(entries).join(', ')} run on WordPress 6.1 (no react-jsx-runtime) and bundle no zod.`,
);
