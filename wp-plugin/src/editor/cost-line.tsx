import { Spinner } from '@wordpress/components';
import { costLine, shortfall } from './credits';

interface CostLineProps {
  /** The most the run would hold; null while unknown. */
  credits: number | null;
  estimating: boolean;
  balance: number | null;
  /** Why nothing can be estimated yet (a field to fill in), or the server's refusal. */
  problem?: string | null | undefined;
}

/** "Costs up to N credits · balance M" before a paid run, announced to screen readers when it changes. */
export function CostLine({ credits, estimating, balance, problem }: CostLineProps) {
  const short = credits === null ? null : shortfall(credits, balance);
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
    </div>
  );
}
