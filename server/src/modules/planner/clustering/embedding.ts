import type { KeywordForClustering, LexicalCluster } from './lexical.ts';
import { seededRandom } from './communities.ts';

/**
 * Embedding-assisted refinement of lexical clusters: pure functions, no database and no AI call (the job embeds
 * the keywords and passes the vectors in).
 */

/** Float32 little-endian bytes, as stored in KeywordEmbedding.vector. */
export function encodeVector(vector: ArrayLike<number>): Buffer {
  const out = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) out.writeFloatLE(vector[i]!, i * 4);
  return out;
}

/** The inverse of encodeVector; a length that is not a multiple of 4 is a corrupt row. */
export function decodeVector(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new Error(`An embedding of ${bytes.byteLength} bytes is not float32 data`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = Math.sqrt(dot(a, a));
  const nb = Math.sqrt(dot(b, b));
  return na === 0 || nb === 0 ? 0 : dot(a, b) / (na * nb);
}

/** The vector scaled to length 1 (a copy); null for a zero vector. */
export function unit(v: ArrayLike<number>): Float32Array | null {
  const norm = Math.sqrt(dot(v, v));
  if (norm === 0 || !Number.isFinite(norm)) return null;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / norm;
  return out;
}

export interface EmbeddingRefineOptions {
  /** Cosine similarity (0-1) of two centroids at or above which their clusters merge. Default 0.86. */
  threshold?: number;
  /**
   * Up to this many clusters, every cluster is compared with every group founded before it (exact). Above it,
   * candidates come from random-hyperplane buckets (see refineWithEmbeddings). Default 2,000.
   */
  exactUpTo?: number;
  /** Buckets: hash tables, and hyperplanes (bits) per table. Defaults 32 and 12. */
  tables?: number;
  bits?: number;
  /** Seed of the hyperplanes, so bucketing is the same on every run and machine. */
  seed?: number;
}

export const EMBEDDING_DEFAULTS = {
  threshold: 0.86,
  exactUpTo: 2_000,
  tables: 32,
  bits: 12,
  seed: 0x1687,
} satisfies Required<EmbeddingRefineOptions>;

export interface RefineResult {
  clusters: LexicalCluster[];
  /** Lexical clusters of 2+ keywords that joined another one. */
  mergedClusters: number;
  /** Single keywords that joined a group. */
  attachedSingletons: number;
  /** Clusters left as they were because none of their keywords has a vector. */
  withoutVectors: number;
  /** How the candidates were found. */
  mode: 'exact' | 'buckets';
  /** Centroid pairs compared. */
  comparisons: number;
}

/** Hyperplanes projected per centroid when bucketing. */
const POOL = 64;

const byVolumeThenText = (a: KeywordForClustering, b: KeywordForClustering) =>
  (b.volume ?? -1) - (a.volume ?? -1) ||
  (a.normalized < b.normalized ? -1 : a.normalized > b.normalized ? 1 : 0) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

interface Unit {
  /** Members, in (volume desc, text asc, id asc) order. */
  members: KeywordForClustering[];
  centroid: Float32Array | null;
  volume: number;
}

/**
 * Refines lexical clusters with keyword embeddings: clusters whose centroids (the normalized mean of their keywords'
 * unit vectors) have a cosine similarity of at least `threshold` merge, and single keywords join the most similar
 * cluster above the threshold. Deterministic whatever the input order:
 *
 * 1. Clusters are ordered: those of 2+ keywords by total volume (then name, then main keyword id), then single
 *    keywords by volume (then text, then id).
 * 2. In that order, each cluster joins the group whose founding centroid is the most similar to its own, when that
 *    similarity reaches the threshold (ties: the earlier group); otherwise it founds a group. Comparing with the
 *    founder's fixed centroid (not a running mean) keeps groups from drifting into chains of loosely related topics,
 *    and makes the result independent of float summation order.
 * 3. Each group is named after its highest-volume keyword, members ordered like the lexical clusters.
 *
 * Scale: with C clusters and G groups, the exact mode does at most C x G comparisons, used up to `exactUpTo`
 * clusters. Above it, candidate groups come from locality-sensitive hashing: `tables` hash tables, each keyed by the
 * signs of `bits` random hyperplane projections of the centroid (after subtracting the mean centroid, so the
 * direction every keyword of a sector shares does not put them all in one bucket; each table picks its `bits`
 * hyperplanes from one pool of 64, so a centroid costs 64 projections). One hyperplane separates two
 * vectors of cosine 0.86 with probability acos(0.86)/pi = 0.17, so they share a table's bucket with probability
 * 0.83^12 = 0.107 and at least one of 32 tables with probability about 0.97 (tables share hyperplanes, so a bit
 * less; 0.998 at cosine 0.92); unrelated vectors
 * share a bucket once in 4,096 per table. Only groups sharing a bucket are compared, exactly: about C x (64
 * projections + 0.8% of G) products instead of C x G. The price is recall: a pair just above the threshold may,
 * rarely, not be merged (always the same pairs for the same input). Clusters with no vector keep their keywords and
 * take part in no merge.
 */
export function refineWithEmbeddings(
  clusters: readonly LexicalCluster[],
  keywords: readonly KeywordForClustering[],
  vectors: ReadonlyMap<string, ArrayLike<number>>,
  options: EmbeddingRefineOptions = {},
): RefineResult {
  const o = { ...EMBEDDING_DEFAULTS, ...options };
  const byId = new Map(keywords.map((k) => [k.id, k]));

  // Cluster centroids.
  const units: Unit[] = [];
  let dims = 0;
  for (const c of clusters) {
    const members = c.keywordIds.map((id) => byId.get(id)).filter((k): k is KeywordForClustering => !!k);
    if (!members.length) continue;
    members.sort(byVolumeThenText);
    let sum: Float64Array | null = null;
    for (const k of members) {
      const v = vectors.get(k.id);
      const u = v && unit(v);
      if (!u) continue;
      if (!sum) {
        sum = new Float64Array(u.length);
        dims ||= u.length;
      }
      if (u.length !== sum.length) continue;
      for (let i = 0; i < u.length; i++) sum[i]! += u[i]!;
    }
    units.push({
      members,
      centroid: sum ? unit(sum) : null,
      volume: members.reduce((n, k) => n + (k.volume ?? 0), 0),
    });
  }
  const multi = units.filter((u) => u.members.length > 1);
  const single = units.filter((u) => u.members.length === 1);
  multi.sort((a, b) => b.volume - a.volume || byVolumeThenText(a.members[0]!, b.members[0]!));
  single.sort((a, b) => byVolumeThenText(a.members[0]!, b.members[0]!));
  const ordered = [...multi, ...single];

  const withVectors = ordered.filter((u) => u.centroid && u.centroid.length === dims);
  const mode: RefineResult['mode'] = withVectors.length <= o.exactUpTo ? 'exact' : 'buckets';

  // Bucketing (only above exactUpTo): hyperplanes and the mean centroid to center on.
  let keysOf: ((c: Float32Array) => number[]) | null = null;
  if (mode === 'buckets') {
    const random = seededRandom(o.seed);
    const gauss = () => {
      const u = random() || 1e-12;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    };
    // A pool of POOL hyperplanes, projected once per centroid; each table keys on `bits` of them, chosen at random
    // (a quarter of the products of one hyperplane set per table, at a small loss of independence between tables).
    const pool = Math.min(POOL, o.tables * o.bits);
    const flat = new Float32Array(pool * dims);
    for (let i = 0; i < flat.length; i++) flat[i] = gauss();
    const choice = Array.from({ length: o.tables }, () => {
      const picked = new Set<number>();
      while (picked.size < Math.min(o.bits, pool)) picked.add(Math.floor(random() * pool));
      return Int32Array.from(picked);
    });
    const mean = new Float64Array(dims);
    for (const u of withVectors) for (let i = 0; i < dims; i++) mean[i]! += u.centroid![i]!;
    for (let i = 0; i < dims; i++) mean[i]! /= withVectors.length;
    const centered = new Float32Array(dims);
    const signs = new Uint8Array(pool);
    keysOf = (c) => {
      for (let i = 0; i < dims; i++) centered[i] = c[i]! - mean[i]!;
      for (let j = 0; j < pool; j++) {
        const base = j * dims;
        let sum = 0;
        for (let i = 0; i < dims; i++) sum += centered[i]! * flat[base + i]!;
        signs[j] = sum >= 0 ? 1 : 0;
      }
      const keys: number[] = [];
      for (const bitsOf of choice) {
        let key = 0;
        for (let b = 0; b < bitsOf.length; b++) if (signs[bitsOf[b]!]) key |= 1 << b;
        keys.push(key);
      }
      return keys;
    };
  }
  const tables: Map<number, number[]>[] = Array.from({ length: o.tables }, () => new Map());

  interface Group {
    founder: Unit;
    parts: Unit[];
  }
  const groups: Group[] = [];
  let comparisons = 0;
  let mergedClusters = 0;
  let attachedSingletons = 0;
  let withoutVectors = 0;
  const seen = new Int32Array(ordered.length).fill(-1);

  ordered.forEach((u, index) => {
    const c = u.centroid && u.centroid.length === dims ? u.centroid : null;
    if (!c) {
      withoutVectors++;
      groups.push({ founder: u, parts: [u] });
      return;
    }
    let best = -1;
    let bestSim = -Infinity;
    const consider = (g: number) => {
      const founder = groups[g]!.founder.centroid;
      if (!founder || founder.length !== dims) return;
      comparisons++;
      let sim = 0;
      for (let i = 0; i < dims; i++) sim += c[i]! * founder[i]!;
      // Ties go to the earlier group (lower index): strict >, and candidates are visited in ascending order.
      if (sim >= o.threshold && sim > bestSim) {
        bestSim = sim;
        best = g;
      }
    };
    let keys: number[] | null = null;
    if (keysOf) {
      keys = keysOf(c);
      const candidates: number[] = [];
      for (let t = 0; t < o.tables; t++) {
        for (const g of tables[t]!.get(keys[t]!) ?? []) {
          if (seen[g] === index) continue;
          seen[g] = index;
          candidates.push(g);
        }
      }
      candidates.sort((a, b) => a - b);
      for (const g of candidates) consider(g);
    } else {
      for (let g = 0; g < groups.length; g++) consider(g);
    }
    if (best >= 0) {
      groups[best]!.parts.push(u);
      if (u.members.length > 1) mergedClusters++;
      else attachedSingletons++;
      return;
    }
    const g = groups.length;
    groups.push({ founder: u, parts: [u] });
    if (keys)
      for (let t = 0; t < o.tables; t++) {
        const bucket = tables[t]!.get(keys[t]!);
        if (bucket) bucket.push(g);
        else tables[t]!.set(keys[t]!, [g]);
      }
  });

  const out: LexicalCluster[] = groups.map((g) => {
    const members = g.parts.flatMap((p) => p.members);
    if (g.parts.length > 1) members.sort(byVolumeThenText);
    const main = members[0]!;
    return { name: main.normalized, mainId: main.id, keywordIds: members.map((k) => k.id) };
  });
  return { clusters: out, mergedClusters, attachedSingletons, withoutVectors, mode, comparisons };
}
