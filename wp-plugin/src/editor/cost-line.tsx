import type { TSiteBudget } from '@igny8/shared';
import { Spinner } from '@wordpress/components';
import { budgetLine, costLine, overBudget, shortfall } from './credits';

interface CostLineProps {
  /** The most the run would hold; null while unknown. */
  credits: number | null;
  estimating: boolean;
  balance: number | null;
  /** Why nothing can be estimated yet (a field to fill in), or the server's refusal. */
  problem?: string | null | undefined;
  /** The site's monthly budget, when it has one (from the estimate). */
  siteBudget?: TSiteBudget | null | undefined;
}

/** "Costs up to N credits · balance M" (and the site's budget, when it has one) before a paid run, announced to screen readers when it changes. */
export function CostLine({ credits, estimating, balance, problem, siteBudget }: CostLineProps) {
  const short = credits === null ? null : shortfall(credits, balance);
  const budget = budgetLine(siteBudget);
  const over = credits === null ? null : overBudget(credits, siteBudget);
  return (
    <div className="igny8-sidebar__estimate" aria-live="polite">
      {problem && <p className="igny8-sidebar__problem">{problem}</p>}
      {!problem && estimating && <Spinner />}
      {!problem && !estimating && credits !== null && (
        <p className="igny8-sidebar__cost">
          {costLine(credits, balance)}
          {short && <span className="igny8-sidebar__problem"> {short}</span>}
        </p>
      )}
      {!problem && !estimating && credits !== null && budget && <p className="igny8-sidebar__budget">{budget}</p>}
      {!problem && !estimating && over && <p className="igny8-sidebar__problem">{over}</p>}
    </div>
  );
}
