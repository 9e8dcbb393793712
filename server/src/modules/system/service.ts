import type { PgBoss } from 'pg-boss';
import type { TSystemStatus } from '@igny8/shared';
import type { Database } from '../../db/database.ts';
import { heartbeatData } from '../../jobs/data.ts';
import { iso } from '../../lib/serialize.ts';
import { accountsData } from '../accounts/data.ts';

/** A worker that has not reported for this long is considered stale (it reports every 5 s). */
export const WORKER_STALE_SECONDS = 30;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: Math.round((performance.now() - started) * 100) / 100 };
}

export function createSystemService(deps: { db: Database; boss: PgBoss; version: string; startedAt: number }) {
  const { db, boss } = deps;
  const heartbeats = heartbeatData(db.prisma);
  const accounts = accountsData(db.prisma);
  return {
    async status(): Promise<TSystemStatus> {
      const database = await timed(() => db.ping()).then(
        ({ ms }) => ({ status: 'ok' as const, latencyMs: ms, mode: db.mode }),
        () => ({ status: 'down' as const, latencyMs: null, mode: db.mode, detail: 'The database does not answer.' }),
      );
      const queue =
        database.status === 'down'
          ? { status: 'down' as const, latencyMs: null, queued: null, detail: 'The queue lives in the database.' }
          : await timed(() => boss.getQueues()).then(
              ({ value, ms }) => ({
                status: 'ok' as const,
                latencyMs: ms,
                queued: value.filter((q) => !q.name.endsWith('.dead')).reduce((n, q) => n + q.queuedCount, 0),
              }),
              () => ({
                status: 'down' as const,
                latencyMs: null,
                queued: null,
                detail: 'The job queue does not answer.',
              }),
            );
      const beats = database.status === 'down' ? [] : await heartbeats.latest(50).catch(() => []);
      const freshest = beats[0];
      const ago = freshest ? Math.round((Date.now() - freshest.lastSeenAt.getTime()) / 100) / 10 : null;
      const live = beats.filter((b) => Date.now() - b.lastSeenAt.getTime() < WORKER_STALE_SECONDS * 1_000).length;
      const worker = {
        status: ago === null ? ('none' as const) : ago < WORKER_STALE_SECONDS ? ('ok' as const) : ('stale' as const),
        lastHeartbeatSecondsAgo: ago,
        workers: live,
      };
      const overall =
        database.status === 'down' ? 'down' : queue.status !== 'ok' || worker.status !== 'ok' ? 'degraded' : 'ok';
      return {
        status: overall,
        version: deps.version,
        uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1_000),
        database,
        queue,
        worker,
      };
    },

    /** Every account with its size: the operator's overview. */
    async listAccounts() {
      const rows = await accounts.listAccountsWithCounts(500);
      return rows.map((a) => ({
        id: a.id,
        name: a.name,
        status: a.status,
        members: a._count.memberships,
        sites: a._count.sites,
        createdAt: iso(a.createdAt),
      }));
    },
  };
}

export type SystemService = ReturnType<typeof createSystemService>;
