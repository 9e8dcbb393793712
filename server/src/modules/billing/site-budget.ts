import type { TSiteBudget } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { billingData, type BillingData } from './data.ts';

/**
 * A site's monthly credit budget (Site.monthlyCreditBudget): what the site's runs may use in a calendar month (UTC).
 * Used is what was captured this month less refunds; open holds count too, so runs started at once cannot together
 * pass the budget. Checked when a hold is placed (ledger.ts), under the account lock every debit takes.
 */

/** The first instant of `now`'s calendar month in UTC. */
export function monthStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** The site's budget as estimates show it; null when the site has no budget (or is not the account's). */
export async function readSiteBudget(
  data: BillingData,
  accountId: string,
  siteId: string,
  now = new Date(),
): Promise<TSiteBudget | null> {
  const use = await data.siteBudgetUse(accountId, siteId, monthStart(now));
  if (!use || use.budget === null) return null;
  return {
    siteId,
    siteName: use.name,
    budget: use.budget,
    used: use.used,
    reserved: use.reserved,
    remaining: Math.max(0, use.budget - use.used - use.reserved),
  };
}

export function siteBudgetExceeded(budget: TSiteBudget, needed: number): AppError {
  return new AppError(
    'SITE_BUDGET_EXCEEDED',
    `This run needs ${needed} credits, but the site "${budget.siteName}" has a monthly budget of ${budget.budget} ` +
      `credits and ${budget.remaining} are left this month. Raise the site's budget in the IGNY8 app (Sites > ` +
      `${budget.siteName}), or wait until next month.`,
    {
      siteId: budget.siteId,
      siteName: budget.siteName,
      budget: budget.budget,
      remaining: budget.remaining,
      needed,
    },
  );
}

/** Throws SITE_BUDGET_EXCEEDED when holding `amount` more credits for the site would pass its budget. */
export async function requireSiteBudget(
  data: BillingData,
  accountId: string,
  siteId: string,
  amount: number,
): Promise<void> {
  const budget = await readSiteBudget(data, accountId, siteId);
  if (budget && amount > budget.remaining) throw siteBudgetExceeded(budget, amount);
}

/** Reading a site's budget, for the estimates that show it. */
export function createSiteBudgets({ prisma }: { prisma: PrismaClient }) {
  const data = billingData(prisma);
  return {
    siteBudget(accountId: string, siteId: string): Promise<TSiteBudget | null> {
      return readSiteBudget(data, accountId, siteId);
    },
  };
}
