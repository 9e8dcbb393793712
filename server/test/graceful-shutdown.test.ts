import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './helpers/app.ts';
import pg from 'pg';
import { eventually } from './helpers/processes.ts';
import { registerOwner, type Member } from './helpers/users.ts';

let t: TestContext;
let owner: Member;
beforeAll(async () => {
  t = await createTestApp();
  owner = await registerOwner(t.app);
});
afterAll(() => t?.close());

describe('graceful shutdown of the API', () => {
  it('lets a request in flight finish, and refuses new connections once closing', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as { port: number };
    const url = `http://127.0.0.1:${port}/api/v1/sites`;

    // Hold a lock so the request is still in flight when the shutdown starts.
    const locker = new pg.Client({ connectionString: t.database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE "Site" IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(url, { headers: owner.headers });
    // In flight: its query waits for the lock (pg_locks is live; pg_stat_activity would be this transaction's snapshot).
    await eventually(
      async () => {
        const { rows } = await locker.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = '"Site"'::regclass`,
        );
        return rows[0]!.n > 0;
      },
      10_000,
      20,
    );

    let closed = false;
    const closing = t.app.close().then(() => (closed = true));
    // Closing: the port no longer takes connections, while the request in flight keeps the close from finishing.
    await eventually(async () => !t.app.server.listening, 10_000, 20);
    expect(closed).toBe(false);
    await expect(fetch(url, { headers: owner.headers })).rejects.toThrow();

    await locker.query('COMMIT');
    await locker.end();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { success: boolean }).success).toBe(true);
    await closing;
    expect(closed).toBe(true);
  });
});
