/**
 * Builds the installable plugin: dist/igny8-<version>.zip with everything under a top-level `igny8/` folder.
 *
 * Runs the production build and the POT first, then packs an allow-list (the files WordPress needs) and reads the
 * archive back to check it: development files (src/, tests/, node_modules/, configs, scripts/) never ship.
 *
 * Usage: node scripts/make-zip.mjs [--skip-build]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';
import entries from './entries.cjs';

const SLUG = 'igny8';
const pluginDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What ships: files at the plugin root and folders packed whole. */
const ROOT_FILES = ['igny8.php', 'uninstall.php', 'readme.txt'];
const FOLDERS = ['includes', 'build', 'languages'];
/** Never shipped, even inside an allowed folder. */
const EXCLUDED = [/(^|\/)\./, /\.map$/, /(^|\/)(node_modules|tests?|__tests__)\//];
/** Checked in the finished archive. */
const REQUIRED = [
  ...ROOT_FILES,
  'includes/Autoloader.php',
  'includes/Plugin.php',
  ...Object.keys(entries).flatMap((entry) => [`build/${entry}.js`, `build/${entry}.asset.php`]),
];
const FORBIDDEN =
  /^(src|tests?|node_modules|scripts|dist)\/|^(package(-lock)?\.json|tsconfig\.json|babel\.config\.js|webpack\.config\.js|README\.md)$/;

const run = (args) => {
  const result = spawnSync('npm', ['run', ...args], { cwd: pluginDir, stdio: 'inherit' });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
};

async function filesUnder(dir) {
  const found = [];
  for (const entry of await readdir(join(pluginDir, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...(await filesUnder(path)));
    } else if (entry.isFile()) {
      found.push(path);
    }
  }
  return found;
}

/** The version in the plugin header, which must match IGNY8_VERSION and the readme's stable tag. */
async function pluginVersion() {
  const main = await readFile(join(pluginDir, 'igny8.php'), 'utf8');
  const readme = await readFile(join(pluginDir, 'readme.txt'), 'utf8');
  const versions = {
    'igny8.php header Version': /^\s*\*\s*Version:\s*(\S+)/m.exec(main)?.[1],
    IGNY8_VERSION: /define\(\s*'IGNY8_VERSION',\s*'([^']+)'/.exec(main)?.[1],
    'readme.txt Stable tag': /^Stable tag:\s*(\S+)/m.exec(readme)?.[1],
  };
  const distinct = new Set(Object.values(versions));
  if (distinct.size !== 1 || distinct.has(undefined)) {
    console.error('The plugin version is not the same everywhere:', versions);
    process.exit(1);
  }
  return versions['igny8.php header Version'];
}

function checkArchive(file) {
  const names = new AdmZip(file).getEntries().map((entry) => entry.entryName);
  const problems = [];
  for (const name of names) {
    if (!name.startsWith(`${SLUG}/`)) {
      problems.push(`${name} is outside the ${SLUG}/ folder`);
    } else if (FORBIDDEN.test(name.slice(SLUG.length + 1))) {
      problems.push(`${name} must not ship`);
    }
  }
  for (const path of REQUIRED) {
    if (!names.includes(`${SLUG}/${path}`)) {
      problems.push(`${SLUG}/${path} is missing`);
    }
  }
  return { names, problems };
}

if (!process.argv.includes('--skip-build')) {
  run(['build']);
  run(['i18n:pot']);
}

const version = await pluginVersion();
const files = [
  ...ROOT_FILES,
  ...(await Promise.all(FOLDERS.filter((dir) => existsSync(join(pluginDir, dir))).map(filesUnder))).flat(),
].filter((path) => !EXCLUDED.some((pattern) => pattern.test(path)));

// Folder entries first, so tools that do not create parent folders on their own still extract it.
const folders = new Set(['']);
for (const path of files) {
  for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) {
    folders.add(dir);
  }
}
const zip = new AdmZip();
for (const dir of [...folders].sort()) {
  zip.addFile(`${SLUG}/${dir ? `${dir}/` : ''}`, Buffer.alloc(0));
}
for (const path of files.sort()) {
  const absolute = join(pluginDir, path);
  // The file's stats give the entry its permissions and modification time.
  zip.addFile(`${SLUG}/${path}`, await readFile(absolute), '', await stat(absolute));
}

const distDir = join(pluginDir, 'dist');
const zipFile = join(distDir, `${SLUG}-${version}.zip`);
await mkdir(distDir, { recursive: true });
await rm(zipFile, { force: true });
await zip.writeZipPromise(zipFile);

const { names, problems } = checkArchive(zipFile);
const shown = relative(process.cwd(), zipFile).split(sep).join('/');
if (problems.length > 0) {
  console.error(`${shown} is not right:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
const { size } = await stat(zipFile);
console.log(`Wrote ${shown}: ${names.length} entries, ${(size / 1024).toFixed(1)} KiB.`);
