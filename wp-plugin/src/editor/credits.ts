/**
 * Credits in the editor sidebar, without React: the line shown before anything paid runs ("Costs up to N credits ·
 * balance M"), the balance after a run from what the job charged, and the Idempotency-Key a paid run is sent with
 * (kept while the same request is retried, so a retry after a lost answer never starts and pays for a second run).
 */
import type { TSiteBudget } from '@igny8/shared';
import { __, _n, sprintf } from '@wordpress/i18n';

/** "Costs up to 12 credits · balance 480", or without the balance when the site does not know it. */
export const costLine = (credits: number, balance: number | null): string => {
  const cost = sprintf(
    /* translators: %d: number of credits */
    _n('Costs up to %d credit', 'Costs up to %d credits', credits, 'igny8'),
    credits,
  );
  /* translators: 1: what it costs ("Costs up to 12 credits"), 2: the account's credit balance */
  return balance === null ? cost : sprintf(__('%1$s · balance %2$s', 'igny8'), cost, formatCredits(balance));
};

/** A balance as a whole number when it is one, else with up to two decimals. */
export const formatCredits = (credits: number): string =>
  Number.isInteger(credits) ? String(credits) : credits.toFixed(2).replace(/\.?0+$/, '');

/** Said when the estimate is more than the balance the site knows (the server has the last word: 402). */
export const shortfall = (credits: number, balance: number | null): string | null =>
  balance !== null && credits > balance
    ? __('That is more than the balance: the run will be refused unless credits are added.', 'igny8')
    : null;

/** "Site budget: 40 of 100 credits left this month", when the site has a monthly budget in IGNY8. */
export const budgetLine = (budget: TSiteBudget | undefined | null): string | null =>
  budget
    ? sprintf(
        /* translators: 1: credits left of the site's monthly budget, 2: the monthly budget */
        _n(
          'Site budget: %1$s of %2$s credit left this month',
          'Site budget: %1$s of %2$s credits left this month',
          budget.budget,
          'igny8',
        ),
        formatCredits(budget.remaining),
        formatCredits(budget.budget),
      )
    : null;

/** Said when the estimate is more than the site's budget has left (the server refuses it: 402 SITE_BUDGET_EXCEEDED). */
export const overBudget = (credits: number, budget: TSiteBudget | undefined | null): string | null =>
  budget && credits > budget.remaining
    ? __(
        "That is more than this site's monthly budget has left: the run will be refused. An account admin can raise the budget in the IGNY8 app.",
        'igny8',
      )
    : null;

/** The credits a finished job charged, when its result says (`result.credits`); null when it does not. */
export const chargedCredits = (result: unknown): number | null => {
  const credits =
    typeof result === 'object' && result !== null ? (result as Record<string, unknown>).credits : undefined;
  return typeof credits === 'number' && Number.isFinite(credits) && credits >= 0 ? credits : null;
};

/** The balance after a run that charged `charged` (unchanged when either is unknown; never below 0). */
export const balanceAfter = (balance: number | null, charged: number | null): number | null =>
  balance === null || charged === null ? balance : Math.max(0, balance - charged);

/** A random Idempotency-Key (crypto.getRandomValues works on plain http too, unlike randomUUID). */
export const newIdempotencyKey = (random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)) =>
  `igny8-editor-${Array.from(random(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;

/**
 * One Idempotency-Key per request body: the same body asked again (a retry after an error) gets the same key, so
 * the server answers the run it already started instead of holding credits twice; `spend()` after a run finished
 * makes the next run of the same body a new one (regenerate again on purpose).
 */
export class IdempotencyKeys {
  private body: string | null = null;
  private key = '';

  constructor(private readonly make: () => string = () => newIdempotencyKey()) {}

  /** The key for this body (JSON-comparable). */
  for(body: unknown): string {
    const json = JSON.stringify(body);
    if (json !== this.body) {
      this.body = json;
      this.key = this.make();
    }
    return this.key;
  }

  /** Forgets the key: the run it protected is over. */
  spend(): void {
    this.body = null;
  }
}
