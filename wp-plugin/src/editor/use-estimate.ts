import { useEffect, useState } from '@wordpress/element';
import { toApiError } from '../api/client';
import type { TWriterEstimate } from '@igny8/shared';

/** How long typing must pause before the estimate is asked again. */
export const ESTIMATE_DELAY_MS = 500;

export interface EstimateState {
  estimate: TWriterEstimate | null;
  estimating: boolean;
  /** The server's refusal of the request, in its words (such as a block it cannot rewrite). */
  error: string | null;
}

/**
 * The credits `body` would hold, asked after a pause in typing; a newer body cancels the request in flight.
 * A null body asks nothing (the fields are not complete).
 */
export function useEstimate<B>(
  body: B | null,
  ask: (body: B, signal: AbortSignal) => Promise<TWriterEstimate>,
): EstimateState {
  const [state, setState] = useState<EstimateState>({ estimate: null, estimating: false, error: null });
  const key = body === null ? null : JSON.stringify(body);

  useEffect(() => {
    setState({ estimate: null, estimating: false, error: null });
    if (body === null) {
      return undefined;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setState({ estimate: null, estimating: true, error: null });
      ask(body, controller.signal).then(
        (estimate) => {
          if (!controller.signal.aborted) {
            setState({ estimate, estimating: false, error: null });
          }
        },
        (thrown: unknown) => {
          if (!controller.signal.aborted) {
            setState({ estimate: null, estimating: false, error: toApiError(thrown).message });
          }
        },
      );
    }, ESTIMATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // The body is compared by its JSON: a new object with the same fields asks nothing again.
  }, [key]);

  return state;
}
