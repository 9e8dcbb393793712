import { describe, expect, it } from 'vitest';
import {
  balanceAfter,
  budgetLine,
  chargedCredits,
  costLine,
  formatCredits,
  IdempotencyKeys,
  newIdempotencyKey,
  overBudget,
  shortfall,
} from './credits';

describe('credits in the sidebar', () => {
  it('says what a run costs at most, next to the balance the site knows', () => {
    expect(costLine(12, 480)).toBe('Costs up to 12 credits · balance 480');
    expect(costLine(1, 2.5)).toBe('Costs up to 1 credit · balance 2.5');
    expect(costLine(12, null)).toBe('Costs up to 12 credits');
    expect(formatCredits(10.456)).toBe('10.46');
    expect(formatCredits(7)).toBe('7');
  });

  it('warns when the estimate is over the balance', () => {
    expect(shortfall(12, 5)).toMatch(/more than the balance/);
    expect(shortfall(5, 5)).toBeNull();
    expect(shortfall(12, null)).toBeNull();
  });

  it("shows the site's monthly budget when it has one, and warns when the run would pass it", () => {
    const budget = { siteId: 'x', siteName: 'Trail Blog', budget: 100, used: 50, reserved: 10, remaining: 40 };
    expect(budgetLine(budget)).toBe('Site budget: 40 of 100 credits left this month');
    expect(budgetLine(undefined)).toBeNull();
    expect(overBudget(41, budget)).toMatch(/monthly budget has left/);
    expect(overBudget(40, budget)).toBeNull();
    expect(overBudget(400, null)).toBeNull();
  });

  it('lowers the balance by what the job charged, when it says', () => {
    expect(chargedCredits({ markup: 'x', credits: 3 })).toBe(3);
    expect(chargedCredits({ credits: '3' })).toBeNull();
    expect(chargedCredits({ credits: -1 })).toBeNull();
    expect(chargedCredits(null)).toBeNull();
    expect(balanceAfter(100, 3)).toBe(97);
    expect(balanceAfter(2, 3)).toBe(0);
    expect(balanceAfter(100, null)).toBe(100);
    expect(balanceAfter(null, 3)).toBeNull();
  });

  it('keeps one Idempotency-Key per request until the run is over', () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `key-${++n}`);
    expect(keys.for({ mode: 'improve', html: '<p>a</p>' })).toBe('key-1');
    // A retry of the same request (after an error) is the same run for the server.
    expect(keys.for({ mode: 'improve', html: '<p>a</p>' })).toBe('key-1');
    expect(keys.for({ mode: 'regenerate', html: '<p>a</p>' })).toBe('key-2');
    keys.spend();
    // Asking again after a finished run is a new run.
    expect(keys.for({ mode: 'regenerate', html: '<p>a</p>' })).toBe('key-3');
  });

  it('makes random keys the server accepts (8-200 characters)', () => {
    const key = newIdempotencyKey();
    expect(key).toMatch(/^igny8-editor-[0-9a-f]{32}$/);
    expect(newIdempotencyKey()).not.toBe(key);
    expect(newIdempotencyKey((bytes) => bytes.fill(255))).toBe(`igny8-editor-${'ff'.repeat(16)}`);
  });
});
