// The JavaScript and CSS each route of the web app makes the browser load, gzipped, from Vite's manifest:
// the entry (the first page, sign-in) and each lazily loaded page with the chunks it imports that the entry does
// not already hold. Fails when the first page is over its budget (issue 17: 250 KB gzipped).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_FIRST_PAGE_KB = 250;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const gz = new Map();
const gzipped = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gz.get(file);
};

/** Files a chunk loads before it runs: itself, its CSS, and its static imports, transitively. */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const next of manifest[key].imports ?? []) closure(next, seen);
  return seen;
}
const files = (keys) => {
  const out = new Set();
  for (const key of keys) {
    out.add(manifest[key].file);
    for (const css of manifest[key].css ?? []) out.add(css);
  }
  return out;
};
const sum = (set, kind) => [...set].filter((f) => f.endsWith(kind)).reduce((total, f) => total + gzipped(f), 0);
const kb = (bytes) => (bytes / 1024).toFixed(1);

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
const entryFiles = files(closure(entryKey));
const rows = [{ route: 'first page (entry: sign-in)', js: sum(entryFiles, '.js'), css: sum(entryFiles, '.css') }];
for (const key of Object.keys(manifest).filter((k) => manifest[k].isDynamicEntry && k.includes('/pages/'))) {
  const extra = new Set([...files(closure(key))].filter((file) => !entryFiles.has(file)));
  rows.push({
    route: `+ ${key.replace(/^.*\/pages\//, '').replace(/\.tsx$/, '')}`,
    js: sum(extra, '.js'),
    css: sum(extra, '.css'),
  });
}
console.log('web app: what each route loads, gzipped (a page adds its row to the first page)');
for (const row of rows)
  console.log(`  ${row.route.padEnd(34)} JS ${kb(row.js).padStart(7)} KB   CSS ${kb(row.css).padStart(6)} KB`);
const first = rows[0].js;
console.log(`  first page JavaScript: ${kb(first)} KB gzipped (goal <= ${BUDGET_FIRST_PAGE_KB} KB)`);
writeFileSync(join(dist, 'size-report.json'), JSON.stringify({ budgetKb: BUDGET_FIRST_PAGE_KB, rows }, null, 2));
if (first > BUDGET_FIRST_PAGE_KB * 1024) {
  console.error(
    `The first page's JavaScript is over its budget: ${kb(first)} KB > ${BUDGET_FIRST_PAGE_KB} KB gzipped.`,
  );
  process.exit(1);
}
