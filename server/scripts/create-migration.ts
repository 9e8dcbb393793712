// `npm run db:migration:create -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL
// that brings the existing migrations up to schema.prisma. Stands in for `prisma migrate dev --create-only`, whose
// native engine cannot be downloaded offline (see schema-engine.ts). Review the SQL before committing it.

import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  diffMigrationsToSchema,
  hasStatements,
  MIGRATION_FILE,
  MIGRATION_LOCK_CONTENT,
  MIGRATION_LOCK_FILE,
  MIGRATIONS_DIR,
} from './schema-engine.ts';

const USAGE = 'Usage: npm run db:migration:create -- <name>   (lowercase snake_case, e.g. add_site_status)';
const NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 100;

class UsageError extends Error {}

function validateName(args: string[]): string {
  const [name, ...rest] = args;
  if (name === undefined || rest.length > 0) {
    throw new UsageError(`Expected exactly one argument, the migration name.\n${USAGE}`);
  }
  if (!NAME.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new UsageError(
      `Invalid migration name "${name}": use lowercase snake_case (a-z, 0-9 and single underscores, starting ` +
        `with a letter, at most ${MAX_NAME_LENGTH} characters).\n${USAGE}`,
    );
  }
  return name;
}

/** UTC YYYYMMDDHHMMSS, the prefix Prisma gives migration directories (their names sort in apply order). */
function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

// The WASM engine's createMigration (which adds Prisma's data-loss warnings) needs a shadow database it cannot
// get through an adapter, and those warnings depend on a database with data anyway; flag the usual suspects.
const DESTRUCTIVE = /\bDROP (?:TABLE|COLUMN)\b|\bSET DATA TYPE\b|\bALTER COLUMN "[^"]+" TYPE\b|\bSET NOT NULL\b/;

function isRisky(clause: string): boolean {
  if (DESTRUCTIVE.test(clause)) return true;
  return /\bADD COLUMN\b/.test(clause) && /\bNOT NULL\b/.test(clause) && !/\bDEFAULT\b/.test(clause);
}

function riskyStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/--.*$/gm, '').trim())
    .filter((statement) => statement.split(/,\s*\n/).some(isRisky));
}

async function existingMigrationNames(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function main(): Promise<void> {
  const name = validateName(process.argv.slice(2));

  const sql = await diffMigrationsToSchema();
  if (!hasStatements(sql)) {
    throw new UsageError(
      'Nothing to write: schema.prisma and prisma/migrations already agree, so the migration would be empty.',
    );
  }

  const dirName = `${timestamp()}_${name}`;
  // Migrations are applied in name order; a clock behind the newest migration would slot this one before it.
  const newest = (await existingMigrationNames()).at(-1);
  if (newest !== undefined && newest >= dirName) {
    throw new UsageError(`"${dirName}" would sort before the existing migration "${newest}"; check the clock.`);
  }

  const dir = path.join(MIGRATIONS_DIR, dirName);
  await mkdir(MIGRATIONS_DIR, { recursive: true });
  await mkdir(dir); // not recursive: fails rather than overwrite an existing migration
  await writeFile(path.join(dir, MIGRATION_FILE), sql.endsWith('\n') ? sql : `${sql}\n`);

  const lockPath = path.join(MIGRATIONS_DIR, MIGRATION_LOCK_FILE);
  const lockCreated = await writeFile(lockPath, MIGRATION_LOCK_CONTENT, { flag: 'wx' }).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return false;
      throw error;
    },
  );

  console.log(`Created ${path.relative(process.cwd(), path.join(dir, MIGRATION_FILE))}`);
  if (lockCreated) console.log(`Created ${path.relative(process.cwd(), lockPath)}`);
  const risky = riskyStatements(sql);
  if (risky.length > 0) {
    console.log('\nThese statements can lose data or fail on tables that already have rows:');
    for (const statement of risky) console.log(`  ${statement.replace(/\s+/g, ' ')}`);
  }
  console.log('Review the SQL, then apply it with `npm run db:migrate`.');
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exitCode = 1;
});
