import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import { applyMigrations, type MigrateResult } from './migrate.ts';
import type { SqlSession } from './sql.ts';
import { guardAdapter, guardPglite, guardTransactions } from './transaction-guard.ts';

export type DatabaseMode = 'postgres' | 'embedded';

export interface Database {
  mode: DatabaseMode;
  prisma: PrismaClient;
  /** Set in PostgreSQL mode: pg-boss opens its own pool with it. */
  url?: string;
  /** Set in embedded mode: pg-boss shares the one in-process database. */
  pglite?: PGlite;
  migrate(log?: (msg: string) => void): Promise<MigrateResult>;
  /** Round-trip time of a trivial query, in ms; throws when the database cannot answer. */
  ping(): Promise<number>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string | undefined;
  /** Folder of the embedded database; used only without `url`. */
  dataDir: string;
  poolSize?: number;
  /** Connection errors outside any query (the server restarted, a connection was killed): log them. */
  onConnectionError?: (error: Error) => void;
}

export function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url
    ? openPostgres(options.url, options.poolSize ?? 10, options.onConnectionError)
    : openEmbedded(options.dataDir);
}

async function ping(prisma: PrismaClient): Promise<number> {
  const started = performance.now();
  await prisma.$queryRaw`SELECT 1`;
  return Math.round((performance.now() - started) * 100) / 100;
}

async function openPostgres(url: string, max: number, onError?: (error: Error) => void): Promise<Database> {
  const report = onError ?? (() => {});
  const prisma = guardTransactions(
    new PrismaClient({
      adapter: guardAdapter(
        new PrismaPg(
          { connectionString: url, max, connectionTimeoutMillis: 5_000 },
          { onPoolError: report, onConnectionError: report },
        ),
      ),
    }),
  );
  return {
    mode: 'postgres',
    prisma,
    url,
    async migrate(log) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const session: SqlSession = {
          query: async (text, params) => (await client.query(text, params)).rows,
          exec: async (script) => void (await client.query(script)),
        };
        return await applyMigrations(session, log ? { log } : {});
      } finally {
        await client.end();
      }
    },
    ping: () => ping(prisma),
    close: () => prisma.$disconnect(),
  };
}

/**
 * Embedded PostgreSQL (PGlite, WASM) in this process. Only one process may open a data folder at a time,
 * so a lock file guards it; in this mode the API and the worker must share one process (`npm start`).
 */
async function openEmbedded(dataDir: string): Promise<Database> {
  const dir = path.join(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const releaseLock = await lockDataDir(path.join(dataDir, 'pglite.lock'));
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dir);
  } catch (error) {
    await releaseLock();
    throw error;
  }
  // Prisma and pg-boss share the one connection; both refuse to query it from inside a transaction's body.
  const shared = guardPglite(pglite);
  const prisma = guardTransactions(new PrismaClient({ adapter: new PrismaPGlite(shared) }));
  const session: SqlSession = {
    query: async (text, params) => (await pglite.query(text, params)).rows as never[],
    exec: async (script) => void (await pglite.exec(script)),
  };
  return {
    mode: 'embedded',
    prisma,
    pglite: shared,
    migrate: (log) => applyMigrations(session, { useAdvisoryLock: false, ...(log ? { log } : {}) }),
    ping: () => ping(prisma),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      await releaseLock();
    },
  };
}

export class DataDirLockedError extends Error {
  constructor(lockFile: string, pid: number) {
    super(
      `The embedded database is in use by process ${pid} (lock ${lockFile}). Stop that process, or set ` +
        `DATABASE_URL to use PostgreSQL, which lets the API and workers run as separate processes.`,
    );
    this.name = 'DataDirLockedError';
  }
}

async function lockDataDir(lockFile: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(lockFile, pid);
      // A stale lock from a crashed process: PGlite recovers its files itself, so take the lock over.
      await rm(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
