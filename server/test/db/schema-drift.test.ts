import { readFile } from 'node:fs/promises';
import { describe, it, expect } from 'vitest';
import { diffMigrationsToSchema, hasStatements, SCHEMA_PATH } from '../../scripts/schema-engine.ts';

// Each diff boots the WASM schema engine and two in-memory PGlite databases: several seconds, more on a cold cache.
const TIMEOUT_MS = 120_000;

describe('prisma/migrations vs schema.prisma', () => {
  it('the migrations build exactly the database schema.prisma describes', { timeout: TIMEOUT_MS }, async () => {
    const sql = await diffMigrationsToSchema();
    expect(
      hasStatements(sql),
      'prisma/migrations do not build the database schema.prisma describes (a schema change without its ' +
        'migration?). Create one with `npm run db:migration:create -- <name>` (e.g. add_site_status), ' +
        'review the SQL and commit it.\n' +
        `SQL still missing from prisma/migrations:\n${sql}`,
    ).toBe(false);
  });

  // Guards the check above against passing vacuously (e.g. an engine that always answers "no changes").
  it('reports a field added to schema.prisma but to no migration', { timeout: TIMEOUT_MS }, async () => {
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    const firstModel = /^model (\w+) \{\n/m.exec(schema);
    expect(firstModel, 'schema.prisma should declare at least one model').not.toBeNull();
    const [header, model] = firstModel as RegExpExecArray;
    const modified = schema.replace(header, `${header}  driftProbe String?\n`);

    const sql = await diffMigrationsToSchema({ schema: modified });

    expect(hasStatements(sql)).toBe(true);
    expect(sql).toMatch(new RegExp(`ALTER TABLE "${model}" ADD COLUMN\\s+"driftProbe" TEXT`));
  });
});
