import type { TCreditEntry, TCreditEntryKind, TUsageGroupBy } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { CreditHold, CreditLedgerEntry } from '../../generated/prisma/client.ts';
import { iso } from '../../lib/serialize.ts';

export interface HoldRequest {
  accountId: string;
  /** Credits to set aside: a positive integer (the estimate). */
  amount: number;
  /** What the credits are for, e.g. "generate_content". */
  operation: string;
  siteId?: string | null;
  /** One hold per job: a second hold for the same job returns the first. */
  jobRunId?: string | null;
}

export interface Settlement {
  /** Credits actually used (an integer >= 0); more than the hold captures the hold's amount. */
  captured: number;
  /** Provider and model, e.g. "openai/gpt-4.1-mini". */
  model?: string;
  /** Token and image counts behind it, e.g. { inputTokens, outputTokens, images }: stored (as JSON) on the capture. */
  usage?: object;
  note?: string;
}

export interface SettledHold {
  hold: CreditHold;
  /** Credits used: the hold's amount at most. */
  captured: number;
  /** Credits given back: the hold's amount minus `captured`. */
  released: number;
}

export interface LedgerChange {
  entry: TCreditEntry;
  /** The account's balance after the change. */
  balance: number;
}

export interface TransactionsQuery {
  limit: number;
  cursor?: string | undefined;
  kind?: TCreditEntryKind | undefined;
  /** Only entries about this site (a site of the account, else 404). */
  siteId?: string | undefined;
}

export interface UsageQuery {
  from: Date;
  to: Date;
  groupBy: TUsageGroupBy;
  /** Only this site's usage (a site of the account, else 404). */
  siteId?: string | undefined;
}

export function insufficientCredits(needed: number, balance: number): AppError {
  return new AppError('INSUFFICIENT_CREDITS', `This needs ${needed} credits; the balance is ${balance}.`, {
    needed,
    balance,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function entryView(entry: CreditLedgerEntry): TCreditEntry {
  const usage = isRecord(entry.usage) ? entry.usage : null;
  const credits = entry.kind === 'capture' && typeof usage?.credits === 'number' ? usage.credits : null;
  return {
    id: entry.id,
    kind: entry.kind,
    amount: entry.amount,
    credits,
    holdId: entry.holdId,
    operation: entry.operation,
    siteId: entry.siteId,
    jobRunId: entry.jobRunId,
    model: entry.model,
    usage,
    note: entry.note,
    createdAt: iso(entry.createdAt),
  };
}

export function settledView(hold: CreditHold): SettledHold {
  return { hold, captured: hold.captured, released: hold.amount - hold.captured };
}

export function positiveInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw errors.badRequest(`${what} must be a positive whole number of credits (got ${value}).`);
  }
}
