import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { scaled } from '../helpers/scale.ts';
import { AppError } from '../../src/errors.ts';
import { type BillingService, type SettledHold } from '../../src/modules/billing/service.ts';

/**
 * Random ledger operations on one account, run in batches: each batch's operations run concurrently. After every
 * batch the ledger must agree with a model that applies the effect of every operation that succeeded, in any order.
 */

let t: TestContext;
let billing: BillingService;
beforeAll(async () => {
  t = await createTestApp();
  billing = t.services.billing;
});
afterAll(() => t?.close());

type Op =
  | { type: 'grant'; amount: number }
  | { type: 'adjust'; amount: number }
  | { type: 'hold'; amount: number }
  | { type: 'settle'; pick: number; captured: number }
  | { type: 'release'; pick: number }
  | { type: 'refund'; pick: number; amount: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('grant' as const), amount: fc.integer({ min: 1, max: 300 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('adjust' as const),
      amount: fc.integer({ min: -400, max: 200 }).filter((n) => n !== 0),
    }),
  },
  { weight: 5, arbitrary: fc.record({ type: fc.constant('hold' as const), amount: fc.integer({ min: 1, max: 150 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('settle' as const),
      pick: fc.nat(),
      // Often more than held (holds are at most 150).
      captured: fc.integer({ min: 0, max: 250 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('release' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('refund' as const),
      pick: fc.nat(),
      amount: fc.integer({ min: 1, max: 60 }),
    }),
  },
);

/** A single operation or a group of 2-8 run concurrently, half and half. */
const batchArb = fc.oneof(
  { weight: 1, arbitrary: fc.tuple(opArb) },
  { weight: 1, arbitrary: fc.array(opArb, { minLength: 2, maxLength: 8 }) },
);

interface ModelHold {
  id: string;
  amount: number;
  /** Set once the model has seen its settlement. */
  captured?: number;
  refunded: number;
}

// 5 x 2,000 at full size (FULL_SCALE=1, `npm run test:scale`); 5 x 400 in the default run.
const OPS_PER_RUN = scaled(2_000, 400);
const RUNS = 5;

function codeOf(reason: unknown): string {
  return reason instanceof AppError ? reason.code : String(reason);
}

/** The balance after every batch; the holds given (those the batch touched, or all of them at the end) in detail. */
async function checkInvariants(
  accountId: string,
  expectedBalance: number,
  holds: ModelHold[],
  all: boolean,
): Promise<void> {
  // One query: the sum of the entries, and per hold what checks it (one hold entry, settled at most once,
  // captured <= held, hold + release == -captured, refunds <= captured).
  const ledger = t.db.prisma.$queryRaw<
    {
      sum: number;
      holds: {
        id: string;
        amount: number;
        status: string;
        captured: number;
        holds: number;
        captures: number;
        releases: number;
        net: number;
        refunded: number;
        capturedCredits: number | null;
      }[];
    }[]
  >`
    SELECT
      (SELECT COALESCE(SUM("amount"), 0)::int FROM "CreditLedgerEntry" WHERE "accountId" = ${accountId}::uuid) AS "sum",
      (SELECT COALESCE(json_agg(x), '[]'::json) FROM (
        SELECT h."id", h."amount", h."status", h."captured",
               COUNT(*) FILTER (WHERE e."kind" = 'hold')::int AS "holds",
               COUNT(*) FILTER (WHERE e."kind" = 'capture')::int AS "captures",
               COUNT(*) FILTER (WHERE e."kind" = 'release')::int AS "releases",
               COALESCE(SUM(e."amount") FILTER (WHERE e."kind" IN ('hold', 'release')), 0)::int AS "net",
               COALESCE(SUM(e."amount") FILTER (WHERE e."kind" = 'refund'), 0)::int AS "refunded",
               MAX((e."usage"->>'credits')::int) FILTER (WHERE e."kind" = 'capture') AS "capturedCredits"
        FROM "CreditHold" h LEFT JOIN "CreditLedgerEntry" e ON e."holdId" = h."id"
        WHERE h."accountId" = ${accountId}::uuid
          AND (${all} OR h."id" = ANY(${holds.map((h) => h.id)}::uuid[]))
        GROUP BY h."id") x) AS "holds"`;
  const [[row], balance] = await Promise.all([ledger, billing.balance(accountId)]);
  const { sum, holds: rows } = row!;
  expect(balance).toBe(sum);
  expect(balance).toBeGreaterThanOrEqual(0);
  expect(balance).toBe(expectedBalance);
  expect(rows).toHaveLength(holds.length);
  const model = new Map(holds.map((h) => [h.id, h]));
  for (const row of rows) {
    const held = model.get(row.id)!;
    expect(row.amount).toBe(held.amount);
    expect(row.holds).toBe(1);
    expect(row.captures).toBeLessThanOrEqual(1);
    expect(row.releases).toBeLessThanOrEqual(1);
    expect(row.captured).toBeLessThanOrEqual(row.amount);
    expect(row.refunded).toBeLessThanOrEqual(row.captured);
    expect(row.refunded).toBe(held.refunded);
    if (row.status === 'open') {
      expect(held.captured).toBeUndefined();
      expect(row.captures + row.releases).toBe(0);
      expect(row.net).toBe(0 - row.amount);
    } else {
      expect(row.captured).toBe(held.captured);
      expect(row.captures + row.releases).toBeGreaterThanOrEqual(1);
      expect(row.net).toBe(0 - row.captured);
      if (row.captures === 1) expect(row.capturedCredits).toBe(row.captured);
      expect(row.releases).toBe(row.captured < row.amount ? 1 : 0);
    }
  }
}

async function runSequence(batches: Op[][]): Promise<{ ops: number; batches: number }> {
  const account = await t.db.prisma.account.create({ data: { name: 'Property test' } });
  const accountId = account.id;
  let expected = 0;
  const holds: ModelHold[] = [];
  const pick = (n: number) => holds[n % holds.length]!;
  let ops = 0;
  let count = 0;

  for (const batch of batches) {
    if (ops >= OPS_PER_RUN) break;
    count++;
    // Operations on holds need one; without any yet they become grants.
    const planned = batch
      .slice(0, OPS_PER_RUN - ops)
      .map((op) =>
        holds.length === 0 && (op.type === 'settle' || op.type === 'release' || op.type === 'refund')
          ? ({ type: 'grant', amount: 50 } as const)
          : op,
      );
    const before = new Map(holds.map((h) => [h.id, h.captured]));
    // The hold each operation targets, chosen before the batch adds holds of its own.
    const targets = planned.map((op) => ('pick' in op ? pick(op.pick) : undefined));
    const results = await Promise.allSettled(
      planned.map((op, i): Promise<unknown> => {
        const target = targets[i]!;
        switch (op.type) {
          case 'grant':
            return billing.grant(accountId, op.amount, 'property grant', null, 'grant');
          case 'adjust':
            return billing.grant(accountId, op.amount, 'property adjustment', null, 'adjustment');
          case 'hold':
            return billing.hold({ accountId, amount: op.amount, operation: 'property' });
          case 'settle':
            return billing.settle(target.id, { captured: op.captured, model: 'test/model' });
          case 'release':
            return billing.release(target.id);
          case 'refund':
            return billing.refund(accountId, op.amount, 'property refund', target.id);
        }
      }),
    );
    ops += planned.length;

    planned.forEach((op, i) => {
      const result = results[i]!;
      const target = targets[i]!;
      if (result.status === 'rejected') {
        const code = codeOf(result.reason);
        if (op.type === 'hold' || (op.type === 'adjust' && op.amount < 0)) {
          expect(code).toBe('INSUFFICIENT_CREDITS');
        } else if (op.type === 'refund') {
          // The hold was open, or the refund exceeded what it captured less earlier refunds.
          expect(code).toBe('CONFLICT');
        } else {
          throw result.reason;
        }
        return;
      }
      switch (op.type) {
        case 'grant':
        case 'adjust':
          expected += op.amount;
          return;
        case 'hold': {
          const hold = result.value as { id: string; amount: number };
          expect(hold.amount).toBe(op.amount);
          holds.push({ id: hold.id, amount: hold.amount, refunded: 0 });
          expected -= op.amount;
          return;
        }
        case 'settle':
        case 'release': {
          const settled = result.value as SettledHold;
          expect(settled.hold.id).toBe(target.id);
          expect(settled.captured).toBeLessThanOrEqual(target.amount);
          expect(settled.captured + settled.released).toBe(target.amount);
          const already = before.get(target.id);
          if (already !== undefined) {
            // Settled before this batch: returned unchanged.
            expect(settled.captured).toBe(already);
          } else if (target.captured === undefined) {
            target.captured = settled.captured;
            expected += settled.released;
          } else {
            // Settled earlier in this batch: every caller sees the winner's settlement.
            expect(settled.captured).toBe(target.captured);
          }
          return;
        }
        case 'refund':
          target.refunded += op.amount;
          expected += op.amount;
          return;
      }
    });
    // A settlement made in this batch is one that was asked for in it: min(captured, held), or 0 for a release.
    for (const held of holds) {
      if (before.get(held.id) !== undefined || held.captured === undefined) continue;
      const asked = planned.flatMap((op, i) =>
        (op.type === 'settle' || op.type === 'release') && targets[i] === held
          ? [op.type === 'settle' ? Math.min(op.captured, held.amount) : 0]
          : [],
      );
      expect(asked).toContain(held.captured);
    }
    const touched = new Set<ModelHold>(targets.filter((h) => h !== undefined));
    for (const held of holds) if (!before.has(held.id)) touched.add(held);
    await checkInvariants(accountId, expected, [...touched], false);
  }
  await checkInvariants(accountId, expected, holds, true);
  return { ops, batches: count };
}

describe('the ledger under random operations', () => {
  it(`keeps balance == sum of entries >= 0, holds settled once, captured <= held (${RUNS} x ${OPS_PER_RUN} ops)`, async () => {
    const started = performance.now();
    let total = 0;
    let batchCount = 0;
    // Batches average ~3 operations (standard deviation ~2.5): 0.6 batches per operation always cover the
    // operations a run takes (1,200 batches for 2,000 operations).
    const batches = Math.ceil(OPS_PER_RUN * 0.6);
    const sequence = fc.array(batchArb, { minLength: batches, maxLength: batches });
    await fc.assert(
      fc.asyncProperty(sequence, async (batches) => {
        const run = await runSequence(batches);
        total += run.ops;
        batchCount += run.batches;
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    const seconds = (performance.now() - started) / 1000;
    console.info(`property test: ${total} ledger operations in ${batchCount} batches, ${seconds.toFixed(1)} s`);
    expect(total).toBe(RUNS * OPS_PER_RUN);
    // A safety net, not a target: 10,000 ledger operations took 60-145 s on a loaded 2-core machine.
  }, 360_000);
});
