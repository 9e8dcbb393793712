import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { adjustedRandIndex } from './ari.ts';
import type { KeywordForClustering } from './lexical.ts';

/**
 * The labelled keyword sets clustering is measured on (server/test/fixtures/planner/clustering, see its README), and
 * the measures: adjusted Rand index, cluster count against topic count, purity, and the worst splits and merges.
 */

export interface LabelledKeyword extends KeywordForClustering {
  topic: string;
}

export const EVAL_SETS = {
  /** The first fixture: product keywords around one head term each (tuned on before this set existed). */
  old: 'labelled-keywords.csv',
  /** Development half: the only one methods are tuned on. */
  dev: 'eval-dev.csv',
  /** Held-out half: topics never seen while tuning. */
  heldout: 'eval-heldout.csv',
} as const;
export type EvalSetName = keyof typeof EVAL_SETS;

const FIXTURES = new URL('../../../../test/fixtures/planner/clustering/', import.meta.url);

/** One set's keywords with their topics; ids are `k<row>`, volumes null where the file has none. */
export function loadEvalSet(name: EvalSetName): LabelledKeyword[] {
  const rows = parse(readFileSync(new URL(EVAL_SETS[name], FIXTURES), 'utf8'), { columns: true }) as Record<
    string,
    string
  >[];
  return rows.map((r, i) => ({
    id: `k${i}`,
    topic: r.topic!,
    normalized: r.keyword!,
    volume: r.volume ? Number(r.volume) : null,
  }));
}

export interface SplitReport {
  topic: string;
  keywords: number;
  /** How many clusters the topic's keywords ended up in, and the largest share kept together. */
  clusters: number;
  kept: number;
  /** Up to 4 of the topic's pieces, largest first: the cluster name and how many of the topic's keywords it holds. */
  pieces: { cluster: string; keywords: number }[];
}

export interface MergeReport {
  cluster: string;
  keywords: number;
  /** Topics mixed in the cluster, most keywords first (up to 4). */
  topics: { topic: string; keywords: number; example: string }[];
}

export interface EvalReport {
  keywords: number;
  topics: number;
  clusters: number;
  /** clusters / topics: 1 is the true count; the goal is between 1/1.5 and 1.5. */
  countRatio: number;
  singletons: number;
  ari: number;
  /** Share of keywords whose cluster's majority topic is their own (1: no cluster mixes topics). */
  purity: number;
  /** Share of keywords in their topic's largest piece (1: no topic is split). */
  inversePurity: number;
  worstSplits: SplitReport[];
  worstMerges: MergeReport[];
}

/**
 * Scores clusters against the labels. Keywords in no cluster count as clusters of their own (they are grouped with
 * nothing), so leaving keywords out never raises the index.
 */
export function evaluate(
  labelled: readonly LabelledKeyword[],
  clusters: readonly { name: string; keywordIds: readonly string[] }[],
  worst = 5,
): EvalReport {
  const byId = new Map(labelled.map((k) => [k.id, k]));
  const predicted = new Map<string, string>();
  const names: string[] = [];
  clusters.forEach((c, i) => {
    names.push(c.name);
    for (const id of c.keywordIds) predicted.set(id, String(i));
  });
  for (const k of labelled) {
    if (!predicted.has(k.id)) {
      predicted.set(k.id, String(names.length));
      names.push(k.normalized);
    }
  }
  const truth = new Map(labelled.map((k) => [k.id, k.topic]));
  const ari = adjustedRandIndex(truth, predicted);

  // Contingency: cluster -> topic -> ids.
  const table = new Map<string, Map<string, string[]>>();
  for (const [id, c] of predicted) {
    const topic = truth.get(id)!;
    const row = table.get(c) ?? new Map<string, string[]>();
    table.set(c, row);
    row.set(topic, [...(row.get(topic) ?? []), id]);
  }
  let majority = 0;
  const merges: MergeReport[] = [];
  for (const [c, row] of table) {
    const sorted = [...row.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    majority += sorted[0]![1].length;
    if (sorted.length > 1) {
      merges.push({
        cluster: names[Number(c)]!,
        keywords: sorted.reduce((n, [, ids]) => n + ids.length, 0),
        topics: sorted
          .slice(0, 4)
          .map(([topic, ids]) => ({ topic, keywords: ids.length, example: byId.get(ids[0]!)!.normalized })),
      });
    }
  }
  const topicPieces = new Map<string, Map<string, number>>();
  for (const [id, c] of predicted) {
    const topic = truth.get(id)!;
    const pieces = topicPieces.get(topic) ?? new Map<string, number>();
    topicPieces.set(topic, pieces);
    pieces.set(c, (pieces.get(c) ?? 0) + 1);
  }
  let kept = 0;
  const splits: SplitReport[] = [];
  for (const [topic, pieces] of topicPieces) {
    const sorted = [...pieces.entries()].sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]));
    const total = sorted.reduce((n, [, k]) => n + k, 0);
    kept += sorted[0]![1];
    splits.push({
      topic,
      keywords: total,
      clusters: sorted.length,
      kept: sorted[0]![1] / total,
      pieces: sorted.slice(0, 4).map(([c, k]) => ({ cluster: names[Number(c)]!, keywords: k })),
    });
  }
  // Worst merges: the most keywords outside the cluster's majority topic.
  const stray = (m: MergeReport) => m.keywords - m.topics[0]!.keywords;
  merges.sort((a, b) => stray(b) - stray(a) || b.keywords - a.keywords || (a.cluster < b.cluster ? -1 : 1));
  splits.sort((a, b) => a.kept - b.kept || b.clusters - a.clusters || (a.topic < b.topic ? -1 : 1));
  const topics = topicPieces.size;
  const clusterCount = table.size;
  return {
    keywords: labelled.length,
    topics,
    clusters: clusterCount,
    countRatio: clusterCount / topics,
    singletons: [...table.values()].filter((row) => [...row.values()].reduce((n, ids) => n + ids.length, 0) === 1)
      .length,
    ari,
    purity: majority / labelled.length,
    inversePurity: kept / labelled.length,
    worstSplits: splits.slice(0, worst),
    worstMerges: merges.slice(0, worst),
  };
}

/** Within 1.5x of the true topic count, either way. */
export const countWithinGoal = (r: Pick<EvalReport, 'countRatio'>) => r.countRatio <= 1.5 && r.countRatio >= 1 / 1.5;
