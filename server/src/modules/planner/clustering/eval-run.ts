import { clusterLexically } from './lexical.ts';
import { evaluate, loadEvalSet, type EvalReport, type EvalSetName } from './eval-sets.ts';

export const METHODS = ['lexical', 'embedding', 'ai'] as const;
export type EvalMethod = (typeof METHODS)[number];

export interface MeasureOptions {
  granularity?: number | undefined;
  worst?: number;
}

export async function measureMethod(
  method: EvalMethod,
  set: EvalSetName,
  options: MeasureOptions = {},
): Promise<{ report: EvalReport; ms: number } | { skipped: string }> {
  const keywords = loadEvalSet(set);
  if (method !== 'lexical') return { skipped: 'not yet' };
  const started = performance.now();
  const result = clusterLexically(keywords, options.granularity ? { granularity: options.granularity } : {});
  const ms = Math.round(performance.now() - started);
  return { report: evaluate(keywords, result.clusters, options.worst ?? 5), ms };
}
