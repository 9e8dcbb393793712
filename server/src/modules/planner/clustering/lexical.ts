import { tokenize } from './tokens.ts';

export interface KeywordForClustering {
  id: string;
  /** The normalized keyword (normalizeKeyword). */
  normalized: string;
  volume: number | null;
}

export interface LexicalOptions {
  /**
   * How much of the seed keyword's weighted stems a keyword must share to join its cluster (0-1). Higher: tighter,
   * more clusters.
   */
  seedCoverage?: number;
  /** How much of the joining keyword's own weighted stems must be shared with the seed (0-1). */
  keywordCoverage?: number;
  /** Clusters smaller than this are not made; their keywords stay unclustered. 1 allows singletons. */
  minClusterSize?: number;
  /** Language of the keywords (BCP 47); stemming and stop words apply to English only. */
  language?: string;
  /**
   * Stems found in more than this share of the keywords (and in more than `frequentFloor` keywords) do not
   * generate candidates: they are too common to say two keywords are about the same topic, and scanning them would
   * make grouping quadratic. They still count in the similarity of candidates found through rarer stems.
   */
  frequentShare?: number;
  frequentFloor?: number;
}

export interface LexicalCluster {
  /** The highest-volume keyword's normalized text. */
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

export const LEXICAL_DEFAULTS = {
  seedCoverage: 0.65,
  keywordCoverage: 0.4,
  minClusterSize: 1,
  language: 'en',
  frequentShare: 0.02,
  frequentFloor: 200,
} satisfies Required<LexicalOptions>;

/** Modifiers ("best", "cheap", "2025") weigh this share of an ordinary word. */
const MODIFIER_FACTOR = 0.15;

const byVolumeThenText = (a: KeywordForClustering, b: KeywordForClustering) =>
  (b.volume ?? -1) - (a.volume ?? -1) ||
  (a.normalized < b.normalized ? -1 : a.normalized > b.normalized ? 1 : 0) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Groups keywords by the lexical similarity of their stemmed words, with no AI call. Deterministic: the same set of
 * keywords gives the same clusters whatever the input order (keywords are first sorted by volume desc, then text).
 *
 * 1. Each keyword becomes a set of stems (stop words removed, Porter-stemmed), weighted by inverse document
 *    frequency over the input (rare words say more about the topic), modifiers such as "best" weighing little.
 * 2. Seeds are taken in order of volume: an unassigned keyword becomes a seed and gathers every unassigned keyword
 *    that covers at least `seedCoverage` of the seed's weight, while at least `keywordCoverage` of its own weight is
 *    shared with the seed. Candidates come from an inverted index over stems (very frequent stems skipped), so the
 *    work grows with the postings scanned, not with the square of the keyword count.
 * 3. Each cluster is named after its seed, its highest-volume keyword.
 */
export function clusterLexically(input: readonly KeywordForClustering[], options: LexicalOptions = {}): LexicalResult {
  const o = { ...LEXICAL_DEFAULTS, ...options };
  const items = [...input].sort(byVolumeThenText);
  const n = items.length;

  // Stems -> integer ids; each keyword's distinct term ids, sorted ascending.
  const termIds = new Map<string, number>();
  const modifierTerm: boolean[] = [];
  const docFreq: number[] = [];
  const terms: Int32Array[] = new Array(n);
  const intern = (term: string, modifier: boolean) => {
    let id = termIds.get(term);
    if (id === undefined) {
      id = docFreq.length;
      termIds.set(term, id);
      docFreq.push(0);
      modifierTerm.push(modifier);
    }
    return id;
  };
  for (let i = 0; i < n; i++) {
    const t = tokenize(items[i]!.normalized, o.language);
    const ids = [...t.stems.map((s) => intern(s, false)), ...t.modifiers.map((m) => intern(`~${m}`, true))];
    const unique = Int32Array.from(new Set(ids)).sort();
    for (const id of unique) docFreq[id]!++;
    terms[i] = unique;
  }

  const termCount = docFreq.length;
  const weight = new Float64Array(termCount);
  for (let t = 0; t < termCount; t++) {
    const idf = 1 + Math.log(n / docFreq[t]!);
    weight[t] = modifierTerm[t] ? idf * MODIFIER_FACTOR : idf;
  }
  const total = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const t of terms[i]!) sum += weight[t]!;
    total[i] = sum;
  }

  // Inverted index over non-modifier terms, postings in keyword order (ascending index).
  const frequentAbove = Math.max(o.frequentFloor, Math.floor(n * o.frequentShare));
  const postings: (number[] | undefined)[] = new Array(termCount);
  for (let i = 0; i < n; i++) {
    for (const t of terms[i]!) {
      if (modifierTerm[t]) continue;
      (postings[t] ??= []).push(i);
    }
  }

  const assigned = new Uint8Array(n);
  const seen = new Int32Array(n).fill(-1);
  const clusters: LexicalCluster[] = [];
  const unclustered: string[] = [];
  const members: number[] = [];

  const overlap = (a: Int32Array, b: Int32Array) => {
    let i = 0;
    let j = 0;
    let sum = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      if (x === y) {
        sum += weight[x]!;
        i++;
        j++;
      } else if (x < y) i++;
      else j++;
    }
    return sum;
  };

  /** Live (unassigned) postings of a term, compacting assigned entries away as it goes. */
  const live = (t: number): number[] => {
    const list = postings[t];
    if (!list) return [];
    let w = 0;
    for (let r = 0; r < list.length; r++) {
      const k = list[r]!;
      if (!assigned[k]) list[w++] = k;
    }
    list.length = w;
    return list;
  };

  for (let s = 0; s < n; s++) {
    if (assigned[s]) continue;
    assigned[s] = 1;
    members.length = 0;
    members.push(s);
    const seedTerms = terms[s]!;
    const seedTotal = total[s]!;
    if (seedTotal > 0) {
      // Candidate-generating terms: the seed's non-modifier terms that are not too frequent; when all are frequent,
      // the rarest one alone (its live postings shrink as keywords are assigned).
      let generators = [...seedTerms].filter((t) => !modifierTerm[t] && docFreq[t]! <= frequentAbove);
      if (generators.length === 0) {
        const own = [...seedTerms].filter((t) => !modifierTerm[t]);
        const pool = own.length ? own : [...seedTerms];
        const rarest = pool.reduce((a, b) => (docFreq[b]! < docFreq[a]! ? b : a), pool[0]!);
        generators = postings[rarest] ? [rarest] : [];
      }
      const candidates: number[] = [];
      for (const t of generators) {
        for (const k of live(t)) {
          if (k === s || seen[k] === s) continue;
          seen[k] = s;
          candidates.push(k);
        }
      }
      candidates.sort((a, b) => a - b);
      for (const k of candidates) {
        const shared = overlap(seedTerms, terms[k]!);
        if (shared >= o.seedCoverage * seedTotal && shared >= o.keywordCoverage * total[k]!) {
          assigned[k] = 1;
          members.push(k);
        }
      }
    }
    if (members.length >= o.minClusterSize) {
      const seed = items[s]!;
      clusters.push({ name: seed.normalized, mainId: seed.id, keywordIds: members.map((m) => items[m]!.id) });
    } else {
      for (const m of members) unclustered.push(items[m]!.id);
    }
  }
  return { clusters, unclustered };
}
