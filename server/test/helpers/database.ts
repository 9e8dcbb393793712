import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase as createPostgresDatabase } from './postgres.ts';

/**
 * The suite runs on PostgreSQL by default; TEST_DB_MODE=embedded runs the same test files on the embedded database
 * (PGlite in this process), as `npm start` does without DATABASE_URL.
 */
export type TestDatabaseMode = 'postgres' | 'embedded';
export const TEST_DB_MODE: TestDatabaseMode = process.env.TEST_DB_MODE === 'embedded' ? 'embedded' : 'postgres';

const NAMESPACE = (process.env.TEST_DB_NAMESPACE ?? '').replace(/[^a-z0-9]/g, '');
/** A migrated, seeded embedded database with pg-boss installed, built once per run by the global setup. */
export const EMBEDDED_TEMPLATE_DIR = path.join(os.tmpdir(), `igny8-pglite-template${NAMESPACE ? `-${NAMESPACE}` : ''}`);

export interface TestDatabase {
  mode: TestDatabaseMode;
  name: string;
  /** PostgreSQL only. */
  url: string;
  /** Embedded only: the DATA_DIR whose pglite/ folder holds this test's database. */
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file: a clone of the PostgreSQL template, or a copy of the embedded template. */
export async function createTestDatabase(mode: TestDatabaseMode = TEST_DB_MODE): Promise<TestDatabase> {
  if (mode === 'postgres') {
    const db = await createPostgresDatabase();
    return { mode, ...db, dataDir: '' };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'igny8-pglite-test-'));
  await cp(path.join(EMBEDDED_TEMPLATE_DIR, 'pglite'), path.join(dataDir, 'pglite'), { recursive: true });
  return {
    mode,
    name: path.basename(dataDir),
    url: '',
    dataDir,
    drop: () => rm(dataDir, { recursive: true, force: true }),
  };
}
