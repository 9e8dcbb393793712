import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import type { TestDatabaseMode } from '../helpers/database.ts';
import { TransactionSelfWaitError } from '../../src/db/transaction-guard.ts';

/**
 * The embedded database serves one connection: a query on the main client from inside a transaction waits for the
 * transaction, which waits for the query, and the whole server stops answering. The guard turns that into an
 * immediate error, on both databases, so a test of any code path fails at once instead of hanging.
 */
describe.each<TestDatabaseMode>(['postgres', 'embedded'])('the transaction guard on %s', (mode) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp({}, { mode });
  }, 60_000);
  afterAll(() => t?.close());

  it('refuses a main-client query inside a transaction at once, and rolls the transaction back', async () => {
    const started = performance.now();
    const attempt = t.db.prisma.$transaction(async (tx) => {
      await tx.account.create({ data: { name: 'rolled back' } });
      // The mistake: the main client, not `tx`.
      await t.db.prisma.account.count();
    });
    // Prisma wraps the driver's error in its own, with the guard's words.
    await expect(attempt).rejects.toThrow(/ran on the main database client while a transaction of the same flow/);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await t.db.prisma.account.count({ where: { name: 'rolled back' } })).toBe(0);
  });

  it('refuses a nested transaction on the main client and a job sent without the transaction', async () => {
    const nested = await t.db.prisma
      .$transaction(async () => {
        await t.db.prisma.$transaction(async (inner) => inner.account.count());
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(nested).toBeInstanceOf(TransactionSelfWaitError);
    // The log learns which code opened the transaction; the message (which users may see) has no stack in it.
    expect((nested as TransactionSelfWaitError).openedBy).toContain('transaction-guard.test.ts');
    expect((nested as Error).message).not.toContain('transaction-guard.test.ts');
    if (mode === 'embedded') {
      // pg-boss shares the one embedded connection: a send that is not part of the transaction would wait forever.
      await expect(
        t.db.prisma.$transaction(async () => {
          await t.queue.boss.getQueues();
        }),
      ).rejects.toThrow(TransactionSelfWaitError);
    }
  });

  it('lets the transaction client work, and the main client after commit and in other flows meanwhile', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = t.db.prisma.$transaction(async (client) => {
      const account = await client.account.create({ data: { name: 'committed' } });
      await held;
      return client.account.findUniqueOrThrow({ where: { id: account.id } });
    });
    // Another request while the transaction is open: it waits its turn on the embedded database, no error.
    const other = t.db.prisma.account.count();
    release();
    const [account, count] = await Promise.all([tx, other]);
    expect(account.name).toBe('committed');
    expect(count).toBeGreaterThanOrEqual(0);
    expect(await t.db.prisma.account.count({ where: { name: 'committed' } })).toBe(1);
  });
});
