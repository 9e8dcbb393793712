/**
 * Writes languages/igny8.pot from the plugin's PHP and TypeScript sources (there is no wp-cli here).
 *
 * Extracts the strings of text domain `igny8` from PHP (`__`, `_e`, `_x`, `_n`, `esc_html__`, `esc_attr_e`, ...),
 * from TS/TSX (`__`, `_x`, `_n`, `_nx` of @wordpress/i18n) and the plugin header, with `file:line` references and
 * `translators:` comments. Strings of a script entry also carry a `build/<entry>.js` reference: that is the file
 * `wp i18n make-json` needs to see to write the JSON translations `wp_set_script_translations()` loads.
 *
 * Usage: node scripts/make-pot.mjs [--check]   (--check: exit 1 when the POT on disk is out of date)
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import entries from './entries.cjs';
import { extractPhp, extractPluginHeaders } from './i18n/php-strings.mjs';
import { formatPot } from './i18n/pot.mjs';
import { SOURCE_EXTENSIONS, extractTs, relativeImports } from './i18n/ts-strings.mjs';

const TEXT_DOMAIN = 'igny8';
const pluginDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const potFile = join(pluginDir, 'languages', `${TEXT_DOMAIN}.pot`);
const toRelative = (file) => relative(pluginDir, file).split(sep).join(posix.sep);

async function listFiles(dir, accept) {
  if (!existsSync(dir)) {
    return [];
  }
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'vendor', 'test', 'tests', '__tests__'].includes(entry.name)) {
        found.push(...(await listFiles(path, accept)));
      }
    } else if (accept(entry.name)) {
      found.push(path);
    }
  }
  return found.sort();
}

/** Source files each script entry bundles (relative imports followed from the entry file). */
async function entryModules() {
  const modulesByEntry = new Map();
  for (const [entry, entryPath] of Object.entries(entries)) {
    const seen = new Set();
    const queue = [resolve(pluginDir, entryPath)];
    while (queue.length > 0) {
      const file = queue.pop();
      if (seen.has(file)) {
        continue;
      }
      seen.add(file);
      for (const specifier of relativeImports(await readFile(file, 'utf8'))) {
        const base = resolve(dirname(file), specifier);
        const target = SOURCE_EXTENSIONS.map((extension) => base + extension).find(
          (candidate) => /\.tsx?$/.test(candidate) && existsSync(candidate),
        );
        if (target) {
          queue.push(target);
        }
      }
    }
    modulesByEntry.set(entry, seen);
  }
  return modulesByEntry;
}

async function collectMessages() {
  const messages = new Map();
  const warnings = [];
  const add = ({ context, text, plural, comment }, references) => {
    const key = `${context ?? ''}\u0004${text}`;
    const message = messages.get(key) ?? { context, text, plural, references: [], comments: [] };
    if (plural !== undefined && message.plural === undefined) {
      message.plural = plural;
    }
    message.references.push(...references.filter((reference) => !message.references.includes(reference)));
    if (comment && !message.comments.includes(comment)) {
      message.comments.push(comment);
    }
    messages.set(key, message);
  };

  const mainFile = join(pluginDir, `${TEXT_DOMAIN}.php`);
  const mainSource = await readFile(mainFile, 'utf8');
  for (const { field, text } of extractPluginHeaders(mainSource)) {
    add({ text, comment: `${field} of the plugin` }, [toRelative(mainFile)]);
  }

  const phpFiles = [
    mainFile,
    join(pluginDir, 'uninstall.php'),
    ...(await listFiles(join(pluginDir, 'includes'), (name) => name.endsWith('.php'))),
  ].filter((file) => existsSync(file));
  const tsFiles = await listFiles(
    join(pluginDir, 'src'),
    (name) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts') && !/\.test\.tsx?$/.test(name),
  );
  const modulesByEntry = await entryModules();

  for (const file of [...phpFiles, ...tsFiles]) {
    const source = await readFile(file, 'utf8');
    const { found, skipped } = file.endsWith('.php') ? extractPhp(source) : extractTs(source, file);
    const builtScripts = [...modulesByEntry]
      .filter(([, modules]) => modules.has(file))
      .map(([entry]) => `build/${entry}.js`);
    for (const { domain, line, ...message } of found) {
      if (domain === TEXT_DOMAIN) {
        add(message, [`${toRelative(file)}:${line}`, ...builtScripts]);
      }
    }
    for (const { line, reason } of skipped) {
      warnings.push(`${toRelative(file)}:${line}: ${reason}`);
    }
  }
  return { messages: [...messages.values()], warnings };
}

function pluginHeader(source, field) {
  return new RegExp(`^[\\s*#@]*${field}:(.*)$`, 'mi').exec(source)?.[1].trim() ?? '';
}

const withoutCreationDate = (pot) => pot.replace(/^"POT-Creation-Date: .*"$/m, '');

const { messages, warnings } = await collectMessages();
const mainSource = await readFile(join(pluginDir, `${TEXT_DOMAIN}.php`), 'utf8');
const sourceDate = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date();
const pot = formatPot({
  copyright: [
    `Copyright (C) ${sourceDate.getUTCFullYear()} ${pluginHeader(mainSource, 'Author')}`,
    `This file is distributed under the ${pluginHeader(mainSource, 'License')}.`,
  ],
  header: {
    'Project-Id-Version': `${pluginHeader(mainSource, 'Plugin Name')} ${pluginHeader(mainSource, 'Version')}`,
    'Report-Msgid-Bugs-To': '',
    'POT-Creation-Date': sourceDate.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Transfer-Encoding': '8bit',
    'PO-Revision-Date': 'YEAR-MO-DA HO:MI+ZONE',
    'Last-Translator': 'FULL NAME <EMAIL@ADDRESS>',
    'Language-Team': 'LANGUAGE <LL@li.org>',
    'X-Generator': 'igny8 scripts/make-pot.mjs',
    'X-Domain': TEXT_DOMAIN,
  },
  messages,
});

for (const warning of warnings) {
  console.warn(`warning: ${warning}`);
}

const current = existsSync(potFile) ? await readFile(potFile, 'utf8') : null;
const isUpToDate = current !== null && withoutCreationDate(current) === withoutCreationDate(pot);
if (process.argv.includes('--check')) {
  if (!isUpToDate) {
    console.error(`${toRelative(potFile)} is out of date: run npm run i18n:pot -w wp-plugin`);
    process.exit(1);
  }
  console.log(`${toRelative(potFile)} is up to date (${messages.length} strings).`);
} else if (isUpToDate) {
  console.log(`${toRelative(potFile)} unchanged (${messages.length} strings).`);
} else {
  await writeFile(potFile, pot);
  console.log(`Wrote ${toRelative(potFile)} (${messages.length} strings).`);
}
