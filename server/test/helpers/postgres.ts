import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the suite runs on; `npm test` provisions one when none answers (scripts/ensure-postgres.mjs). */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/**
 * Lets several suites share one PostgreSQL server without touching each other's databases (TEST_DB_NAMESPACE=a-z0-9).
 */
const NAMESPACE = (process.env.TEST_DB_NAMESPACE ?? '').replace(/[^a-z0-9]/g, '');
export const TEMPLATE_DB = NAMESPACE ? `igny8_test_template_${NAMESPACE}` : 'igny8_test_template';
const TEST_DB_PREFIX = NAMESPACE ? `igny8_t_${NAMESPACE}_` : 'igny8_t_';
/** Matches this namespace's test database names only (for cleaning up orphans). */
export const TEST_DB_PATTERN = `^${TEST_DB_PREFIX}[0-9a-f]{12}$`;

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template (~50 ms), dropped by `drop()`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DB_PREFIX}${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  return {
    name,
    url: urlFor(name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
