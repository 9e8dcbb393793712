/**
 * Local (lexical) clustering's entry: its options and result types, the granularity presets, and clusterLexically,
 * which runs the pipeline whose steps live beside it (keyword-features.ts, keyword-meaning.ts, keyword-neighbours.ts,
 * communities.ts, small-groups.ts); nameClusters names clusters made elsewhere the same way.
 */
import { components, louvain, seededRandom, UndirectedGraph } from './communities.ts';
import { dotSparse, vectorize } from './keyword-features.ts';
import { dotDense, keywordVectors } from './keyword-meaning.ts';
import { denseNeighbours, nearestNeighbours } from './keyword-neighbours.ts';
import { clusterName } from './naming.ts';
import { attachLoners, mergeSmallGroups } from './small-groups.ts';
import { analyzeKeywords } from './tokens.ts';

export { seededRandom } from './communities.ts';

export interface KeywordForClustering {
  id: string;
  /** The normalized keyword (normalizeKeyword). */
  normalized: string;
  volume: number | null;
}

/** Steps of the pipeline that can be turned off, to measure what each adds (all on by default). */
export interface LexicalSteps {
  /** Adjacent word pairs as features of their own ("credit score" is more than "credit" + "score"). */
  phrases: boolean;
  /** WordNet synonyms and hypernyms of English words and collocations. */
  wordnet: boolean;
  /** Words of the WordNet definitions of English words that other keywords use ("insomnia": "inability to sleep"). */
  glosses: boolean;
  /** Links weighted by the neighbours the two keywords share, not only by their own similarity. */
  sharedNeighbours: boolean;
  /** GloVe word vectors: keywords whose words mean related things are linked ("insomnia" and "sleep"). */
  wordVectors: boolean;
  /** Louvain communities over the keyword graph; off: connected components of the graph. */
  communities: boolean;
  /** Small groups join the group their keywords are most similar to, while the similarity is high enough. */
  mergeSmall: boolean;
  /**
   * Keywords left alone join a group: through their weak links first, else the group of the keyword whose letters
   * (4-grams) or word meaning are the most alike.
   */
  attach: boolean;
}

export interface LexicalOptions {
  /**
   * 1 (broad topics, fewer clusters) to 5 (tight groups, more clusters); 3 by default. Sets the community detection's
   * resolution and how similar two keywords must be to be linked at all.
   */
  granularity?: number;
  /** Clusters smaller than this are not made; their keywords stay unclustered. 1 allows singletons. */
  minClusterSize?: number;
  /** Language of the sector (BCP 47): its stop words and stemmer; keywords whose words show another one use it. */
  language?: string;
  /** Overrides of the granularity's figures (for tuning). */
  resolution?: number;
  minSimilarity?: number;
  /** Neighbours kept per keyword in the graph. */
  neighbors?: number;
  /** How much word-vector similarity counts against word overlap (0-1), and the least that links (0.5, 0.2). */
  semanticWeight?: number;
  semanticFloor?: number;
  /** Only the GloVe vectors of the this many most frequent words are used. */
  vectorMaxRank?: number;
  steps?: Partial<LexicalSteps>;
}

export interface LexicalCluster {
  /** The cluster's head term: the phrase most of its keywords share, as written (or its main keyword). */
  name: string;
  mainId: string;
  /** Members in (volume desc, normalized asc, id asc) order; the main keyword first. */
  keywordIds: string[];
}

export interface LexicalResult {
  clusters: LexicalCluster[];
  /** Keywords left out because their group was smaller than minClusterSize. */
  unclustered: string[];
}

/**
 * Granularity 1-5 -> Louvain resolution and the least similarity that links two keywords. Measured on the development
 * half (44 topics): 1: 36 clusters, ARI 0.26; 2: 45, 0.33; 3: 53, 0.40; 4: 67, 0.41; 5: 80, 0.41. The default, 3,
 * has the best index among the settings that stay within 1.5 times the true number of topics (4 is 1.52 times).
 */
export const GRANULARITY = {
  1: { resolution: 1.2, minSimilarity: 0.12 },
  2: { resolution: 2.4, minSimilarity: 0.12 },
  3: { resolution: 6, minSimilarity: 0.12 },
  4: { resolution: 10, minSimilarity: 0.12 },
  5: { resolution: 20, minSimilarity: 0.12 },
} as const;

/**
 * The resolution is given for 1,000 keywords and grows with the square root of their number: modularity merges
 * groups smaller than about the square root of the graph's weight (its resolution limit), so a big input needs a
 * higher resolution to keep the same topics apart, and a small one a lower one not to cut them up. Never below 1.
 */
const scaledResolution = (resolution: number, n: number) => Math.max(1, resolution * Math.sqrt(n / 1_000));

export const LEXICAL_DEFAULTS = {
  granularity: 3,
  minClusterSize: 1,
  language: 'en',
  neighbors: 12,
} as const;

const ALL_STEPS: LexicalSteps = {
  phrases: true,
  wordnet: true,
  glosses: true,
  sharedNeighbours: true,
  wordVectors: true,
  communities: true,
  mergeSmall: true,
  attach: true,
};

/** Words rarer than this in GloVe's corpus keep no vector. No cap: on the development half a cap of 100,000 words
 * raised the index by 0.01 but left 15 more keywords alone (more clusters). */
const VECTOR_MAX_RANK = Number.POSITIVE_INFINITY;

const byVolumeThenText = (a: KeywordForClustering, b: KeywordForClustering) =>
  (b.volume ?? -1) - (a.volume ?? -1) ||
  (a.normalized < b.normalized ? -1 : a.normalized > b.normalized ? 1 : 0) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Groups keywords by meaning as far as their words tell, with no AI call and nothing downloaded. Deterministic: the
 * same set of keywords gives the same clusters whatever the input order (keywords are first sorted by volume desc,
 * then text; community detection uses a seeded random sequence).
 *
 * 1. Each keyword becomes weighted features: its stems (the language's stop words removed, Snowball or Porter
 *    stemmed), adjacent stem pairs, and for English words their WordNet synonyms and hypernyms; weights are inverse
 *    document frequency over the input (rare words say more about the topic), modifiers such as "best" weighing little.
 * 2. A graph links each keyword to its nearest neighbours by a similarity that mixes word overlap (cosine of the
 *    features; candidates from an inverted index, so the work grows with the postings scanned, not with the square
 *    of the keyword count) and word meaning (cosine of SIF-weighted GloVe averages; candidates from hashed buckets).
 * 3. Louvain community detection (graphology) finds groups denser inside than between, at a resolution set by the
 *    granularity: "workout at home" and "20 minute workout" meet through the keywords between them.
 * 4. Small groups merge into the group they are most linked to; keywords with no link at all join the group of the
 *    keyword whose letters or word meaning are most alike ("hipotecas" and "hipoteca", "vlookup" and "excel
 *    formulas"), when alike enough.
 * 5. Each cluster is named after its head term: the phrase most of its keywords share, as written.
 */
export function clusterLexically(input: readonly KeywordForClustering[], options: LexicalOptions = {}): LexicalResult {
  const granularity = Math.min(5, Math.max(1, Math.round(options.granularity ?? LEXICAL_DEFAULTS.granularity)));
  const preset = GRANULARITY[granularity as keyof typeof GRANULARITY];
  const resolution = scaledResolution(options.resolution ?? preset.resolution, input.length);
  const minSimilarity = options.minSimilarity ?? preset.minSimilarity;
  const neighbors = options.neighbors ?? LEXICAL_DEFAULTS.neighbors;
  const minClusterSize = options.minClusterSize ?? LEXICAL_DEFAULTS.minClusterSize;
  const steps = { ...ALL_STEPS, ...options.steps };
  const items = [...input].sort(byVolumeThenText);
  const n = items.length;
  if (n === 0) return { clusters: [], unclustered: [] };

  const analyzed = analyzeKeywords(
    items.map((k) => k.normalized),
    options.language ?? LEXICAL_DEFAULTS.language,
  );
  const vectors = vectorize(analyzed, steps);
  const semanticWeight = steps.wordVectors ? (options.semanticWeight ?? 0.5) : 0;
  const floor = options.semanticFloor ?? 0.2;
  const dense = steps.wordVectors ? keywordVectors(analyzed, options.vectorMaxRank ?? VECTOR_MAX_RANK) : null;
  // Candidate pairs: word overlap (any) and word meaning (above the floor); each scored on both, overlap counting
  // (1 - semanticWeight) and meaning above the floor semanticWeight. Both lists come in keyword order.
  const candidatesOf: number[][] = Array.from({ length: n }, () => []);
  for (const e of nearestNeighbours(vectors, neighbors, 0.02)) candidatesOf[e.from]!.push(e.to);
  const near = dense ? denseNeighbours(dense, neighbors, floor) : null;
  if (near) for (const e of near.edges) candidatesOf[e.from]!.push(e.to);
  // Strong links (the graph): each keyword's best `neighbors` above minSimilarity. Weak links: its best 3 above a
  // third of it, used only to place what the graph left alone.
  const edges: { from: number; to: number; sim: number }[] = [];
  const weak: { from: number; to: number; sim: number }[][] = Array.from({ length: n }, () => []);
  const stamp = new Int32Array(n).fill(-1);
  const list: { from: number; to: number; sim: number }[] = [];
  for (let from = 0; from < n; from++) {
    list.length = 0;
    for (const to of candidatesOf[from]!) {
      if (stamp[to] === from) continue;
      stamp[to] = from;
      const lexical = dotSparse(vectors.ids[from]!, vectors.weights[from]!, vectors.ids[to]!, vectors.weights[to]!);
      const a = dense?.[from];
      const b = dense?.[to];
      const meaning = a && b ? Math.max(0, (dotDense(a, b) - floor) / (1 - floor)) : 0;
      list.push({ from, to, sim: (1 - semanticWeight) * lexical + semanticWeight * meaning });
    }
    candidatesOf[from] = [];
    if (!list.length) continue;
    list.sort((x, y) => y.sim - x.sim || x.to - y.to);
    let kept = 0;
    for (const e of list) {
      if (e.sim >= minSimilarity && kept < neighbors) {
        edges.push(e);
        kept++;
      }
    }
    weak[from] = list.filter((e) => e.sim >= minSimilarity / 3).slice(0, 3);
  }
  if (steps.sharedNeighbours) {
    // A link two keywords' other neighbours confirm counts more than a lone coincidence of one word ("tofu litter"
    // and "tofu recipes" share no other neighbour; "potty chair" and "potty training girls" share several).
    const near: Set<number>[] = Array.from({ length: n }, (_, i) => new Set([i]));
    for (const e of edges) {
      near[e.from]!.add(e.to);
      near[e.to]!.add(e.from);
    }
    for (const e of edges) {
      const a = near[e.from]!;
      const b = near[e.to]!;
      let shared = 0;
      for (const x of a) if (b.has(x)) shared++;
      e.sim *= shared / Math.min(a.size, b.size);
    }
  }

  // Communities.
  let community: Int32Array;
  if (steps.communities) {
    const graph = new UndirectedGraph({ allowSelfLoops: false });
    for (let i = 0; i < n; i++) graph.addNode(i);
    const added = new Set<number>();
    for (const e of edges) {
      const pair = Math.min(e.from, e.to) * n + Math.max(e.from, e.to);
      if (added.has(pair)) continue;
      added.add(pair);
      graph.addUndirectedEdge(e.from, e.to, { weight: e.sim });
    }
    const mapping = louvain(graph, { resolution, rng: seededRandom(0x1687), getEdgeWeight: 'weight' });
    community = Int32Array.from({ length: n }, (_, i) => mapping[i]!);
  } else {
    community = components(n, edges);
  }

  if (steps.mergeSmall || steps.attach) mergeSmallGroups(community, weak, steps);
  if (steps.attach) attachLoners(community, analyzed, near);

  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = groups.get(community[i]!);
    if (list) list.push(i);
    else groups.set(community[i]!, [i]);
  }

  const clusters: LexicalCluster[] = [];
  const unclustered: string[] = [];
  // Groups in order of their first (highest-volume) keyword, members in keyword order.
  const ordered = [...groups.values()].sort((a, b) => a[0]! - b[0]!);
  for (const members of ordered) {
    if (members.length < minClusterSize) {
      for (const m of members) unclustered.push(items[m]!.id);
      continue;
    }
    clusters.push({
      name: clusterName(members.map((m) => ({ keyword: items[m]!, analyzed: analyzed[m]! }))),
      mainId: items[members[0]!]!.id,
      keywordIds: members.map((m) => items[m]!.id),
    });
  }
  return { clusters, unclustered };
}

/**
 * Names clusters made elsewhere (the embedding method's merged clusters) after their head term, as clusterLexically
 * does; members must be in keyword order (volume desc, then text), the main keyword first.
 */
export function nameClusters(
  clusters: readonly LexicalCluster[],
  keywords: readonly KeywordForClustering[],
  language = LEXICAL_DEFAULTS.language as string,
): LexicalCluster[] {
  const byId = new Map(keywords.map((k) => [k.id, k]));
  const ids = [...new Set(clusters.flatMap((c) => c.keywordIds))].filter((id) => byId.has(id));
  const analyzed = analyzeKeywords(
    ids.map((id) => byId.get(id)!.normalized),
    language,
  );
  const analysisOf = new Map(ids.map((id, i) => [id, analyzed[i]!]));
  return clusters.map((c) => {
    const members = c.keywordIds
      .filter((id) => analysisOf.has(id))
      .map((id) => ({ keyword: byId.get(id)!, analyzed: analysisOf.get(id)! }));
    return members.length ? { ...c, name: clusterName(members) } : c;
  });
}
