import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { ZErrorEnvelope } from '@igny8/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { AppError } from '../../src/errors.ts';
import { errorsPlugin } from '../../src/plugins/errors.ts';
import { type BillingService } from '../../src/modules/billing/service.ts';

let t: TestContext;
let billing: BillingService;
beforeAll(async () => {
  t = await createTestApp();
  billing = t.services.billing;
});
afterAll(() => t?.close());

async function newAccount(credits = 0): Promise<string> {
  const account = await t.db.prisma.account.create({ data: { name: 'Ledger test' } });
  if (credits > 0) await billing.grant(account.id, credits, 'test credits', null);
  return account.id;
}

async function ledgerSum(accountId: string): Promise<number> {
  const { _sum } = await t.db.prisma.creditLedgerEntry.aggregate({ where: { accountId }, _sum: { amount: true } });
  return _sum.amount ?? 0;
}

function entriesOf(holdId: string) {
  return t.db.prisma.creditLedgerEntry.findMany({ where: { holdId }, orderBy: { kind: 'asc' } });
}

describe('holds under concurrency', () => {
  it('50 concurrent operations against a balance that covers 10 -> exactly 10 run, the balance is never negative', async () => {
    const accountId = await newAccount(100);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => billing.hold({ accountId, amount: 10, operation: 'generate_content' })),
    );
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(10);
    expect(rejected).toHaveLength(40);
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(AppError);
      expect(r.reason).toMatchObject({ code: 'INSUFFICIENT_CREDITS', statusCode: 402, details: { needed: 10 } });
    }
    expect(await billing.balance(accountId)).toBe(0);
    expect(await ledgerSum(accountId)).toBe(0);
    expect(await t.db.prisma.creditHold.count({ where: { accountId, status: 'open' } })).toBe(10);
  });

  it('a hold joins the caller’s transaction: it rolls back with it', async () => {
    const accountId = await newAccount(50);
    let signalPlaced!: () => void;
    let finish!: () => void;
    const holdPlaced = new Promise<void>((resolve) => (signalPlaced = resolve));
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const attempt = t.db.prisma.$transaction(async (tx) => {
      await billing.hold(tx, { accountId, amount: 30, operation: 'generate_content' });
      signalPlaced();
      await finished;
      throw new Error('the enqueue failed');
    });
    await holdPlaced;
    // Read by another flow while the transaction is open: not visible there yet. (The embedded database has one
    // connection, so there the read waits for the transaction to end instead.)
    const outside = billing.balance(accountId);
    if (t.db.mode === 'postgres') expect(await outside).toBe(50);
    finish();
    await expect(attempt).rejects.toThrow('the enqueue failed');
    expect(await outside).toBe(50);
    expect(await billing.balance(accountId)).toBe(50);
    expect(await t.db.prisma.creditHold.count({ where: { accountId } })).toBe(0);

    const placed = await t.db.prisma.$transaction((tx) =>
      billing.hold(tx, { accountId, amount: 30, operation: 'generate_content' }),
    );
    expect(placed.status).toBe('open');
    expect(await billing.balance(accountId)).toBe(20);
  });

  it('one hold per job: a second hold for the same job (even concurrent) returns the first', async () => {
    const accountId = await newAccount(100);
    const jobRunId = randomUUID();
    const holds = await Promise.all(
      Array.from({ length: 5 }, () => billing.hold({ accountId, amount: 40, operation: 'generate_images', jobRunId })),
    );
    expect(new Set(holds.map((h) => h.id)).size).toBe(1);
    expect(await billing.balance(accountId)).toBe(60);
    const again = await billing.hold(undefined, { accountId, amount: 99, operation: 'other', jobRunId });
    expect(again.id).toBe(holds[0]!.id);
    expect(again.amount).toBe(40);
  });

  it('refuses a hold the balance does not cover, with a 402 the API answers in its envelope', async () => {
    const accountId = await newAccount(7);
    const error = await billing.hold({ accountId, amount: 12, operation: 'generate_content' }).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      statusCode: 402,
      message: 'This needs 12 credits; the balance is 7.',
      details: { needed: 12, balance: 7 },
    });
    // The body a route throwing it answers with (the app's own error handler, on a bare Fastify).
    const app = Fastify();
    await app.register(errorsPlugin);
    app.get('/x', async () => {
      throw error;
    });
    const res = await app.inject({ method: 'GET', url: '/x' });
    await app.close();
    expect(res.statusCode).toBe(402);
    const body = ZErrorEnvelope.parse(res.json());
    expect(body).toMatchObject({
      success: false,
      code: 'INSUFFICIENT_CREDITS',
      error: 'This needs 12 credits; the balance is 7.',
      details: { needed: 12, balance: 7 },
    });
    expect(await billing.balance(accountId)).toBe(7);
  });

  it('refuses holds on unknown accounts and of no credits', async () => {
    await expect(billing.hold({ accountId: randomUUID(), amount: 1, operation: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const accountId = await newAccount(10);
    for (const amount of [0, -5, 1.5]) {
      await expect(billing.hold({ accountId, amount, operation: 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });
});

describe('settlement', () => {
  it('captures what was used and releases the rest, once; settling again returns the same settlement', async () => {
    const accountId = await newAccount(100);
    const hold = await billing.hold({ accountId, amount: 40, operation: 'generate_content' });
    const first = await billing.settle(hold.id, {
      captured: 25,
      model: 'openai/gpt-4.1-mini',
      usage: { inputTokens: 1200, outputTokens: 800 },
    });
    expect(first).toMatchObject({ captured: 25, released: 15, hold: { status: 'settled', captured: 25 } });
    expect(await billing.balance(accountId)).toBe(75);

    const again = await billing.settle(hold.id, { captured: 5 });
    expect(again).toEqual({ ...first, hold: { ...first.hold, settledAt: again.hold.settledAt } });
    expect(again.hold.settledAt?.getTime()).toBe(first.hold.settledAt?.getTime());
    expect(await billing.release(hold.id)).toMatchObject({ captured: 25, released: 15 });
    expect(await billing.balance(accountId)).toBe(75);

    const entries = await entriesOf(hold.id);
    expect(entries.map((e) => [e.kind, e.amount])).toEqual([
      ['hold', -40],
      ['capture', 0],
      ['release', 15],
    ]);
    const capture = entries.find((e) => e.kind === 'capture')!;
    expect(capture.model).toBe('openai/gpt-4.1-mini');
    expect(capture.usage).toEqual({ inputTokens: 1200, outputTokens: 800, credits: 25, held: 40 });
    expect(capture.operation).toBe('generate_content');
  });

  it('concurrent settles of one hold: one wins, the rest return its settlement; credits are released once', async () => {
    const accountId = await newAccount(100);
    const hold = await billing.hold({ accountId, amount: 60, operation: 'generate_content' });
    const results = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => billing.settle(hold.id, { captured: 10 + i })),
      billing.release(hold.id),
      billing.release(hold.id),
    ]);
    const captured = results[0]!.captured;
    for (const r of results) expect(r).toMatchObject({ captured, released: 60 - captured });
    const entries = await entriesOf(hold.id);
    expect(entries.filter((e) => e.kind === 'release').length).toBeLessThanOrEqual(1);
    expect(entries.filter((e) => e.kind === 'capture').length).toBeLessThanOrEqual(1);
    expect(await billing.balance(accountId)).toBe(100 - captured);
    expect(await ledgerSum(accountId)).toBe(100 - captured);
  });

  it('never captures more than was held', async () => {
    const accountId = await newAccount(100);
    const hold = await billing.hold({ accountId, amount: 30, operation: 'generate_content' });
    const settled = await billing.settle(hold.id, { captured: 500 });
    expect(settled).toMatchObject({ captured: 30, released: 0 });
    expect(await billing.balance(accountId)).toBe(70);
    const entries = await entriesOf(hold.id);
    expect(entries.map((e) => e.kind)).toEqual(['hold', 'capture']);
    expect(entries[1]!.usage).toMatchObject({ credits: 30, held: 30, requested: 500 });
  });

  it('release on failure gives everything back', async () => {
    const accountId = await newAccount(100);
    const hold = await billing.hold({ accountId, amount: 45, operation: 'generate_content' });
    expect(await billing.balance(accountId)).toBe(55);
    expect(await billing.release(hold.id)).toMatchObject({ captured: 0, released: 45, hold: { status: 'settled' } });
    expect(await billing.balance(accountId)).toBe(100);
    expect((await entriesOf(hold.id)).map((e) => [e.kind, e.amount])).toEqual([
      ['hold', -45],
      ['release', 45],
    ]);
  });

  it('settles inside the caller’s transaction, and refuses bad amounts and unknown holds', async () => {
    const accountId = await newAccount(20);
    const hold = await billing.hold({ accountId, amount: 20, operation: 'x' });
    await t.db.prisma.$transaction((tx) => billing.settle(hold.id, { captured: 5 }, tx));
    expect(await billing.balance(accountId)).toBe(15);
    await expect(billing.settle(randomUUID(), { captured: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const other = await billing.hold({ accountId, amount: 5, operation: 'x' });
    await expect(billing.settle(other.id, { captured: -1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('grants, adjustments and refunds', () => {
  it('a negative adjustment never takes the balance below zero', async () => {
    const accountId = await newAccount(30);
    await expect(billing.grant(accountId, -31, 'too much', null, 'adjustment')).rejects.toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      details: { needed: 31, balance: 30 },
    });
    expect(await billing.grant(accountId, -30, 'correction', null, 'adjustment')).toMatchObject({
      balance: 0,
      entry: { kind: 'adjustment', amount: -30, note: 'correction' },
    });
    await expect(billing.grant(accountId, -1, 'x', null, 'grant')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(billing.grant(randomUUID(), 5, 'x', null)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refunds at most what a hold captured, across concurrent refunds', async () => {
    const accountId = await newAccount(100);
    const hold = await billing.hold({ accountId, amount: 50, operation: 'generate_content' });
    await expect(billing.refund(accountId, 5, 'too early', hold.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await billing.settle(hold.id, { captured: 20 });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => billing.refund(accountId, 7, 'bad output', hold.id, null)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2); // 14 of 20; a third 7 would exceed
    expect(await billing.refund(accountId, 6, 'the rest', hold.id)).toMatchObject({
      balance: 100,
      entry: { kind: 'refund', amount: 6, holdId: hold.id, operation: 'generate_content' },
    });
    await expect(billing.refund(accountId, 1, 'more', hold.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { captured: 20, refunded: 20, refundable: 0 },
    });
    // Another account's hold is not found from this one.
    const other = await newAccount(10);
    await expect(billing.refund(other, 1, 'x', hold.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('timing', () => {
  it('a hold + settle round trip', async () => {
    const accountId = await newAccount(1_000_000);
    const rounds = 200;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) {
      const hold = await billing.hold({ accountId, amount: 100, operation: 'generate_content' });
      await billing.settle(hold.id, { captured: 60, model: 'openai/gpt-4.1-mini' });
    }
    const perRound = (performance.now() - started) / rounds;
    console.info(`hold + settle round trip: ${perRound.toFixed(2)} ms (mean of ${rounds}, ledger of ~${rounds * 3})`);
    expect(await billing.balance(accountId)).toBe(1_000_000 - rounds * 60);
  });
});
