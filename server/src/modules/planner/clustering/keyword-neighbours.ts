/**
 * Each keyword's candidate neighbours for the keyword graph (clusterLexically's step 2): by word overlap through an
 * inverted index of the sparse features, and by word meaning through every pair or locality-sensitive hash buckets
 * of the meaning vectors. Apart from lexical.ts because these searches are what keeps the work near linear.
 */
import { seededRandom } from './communities.ts';
import { dotSparse, type Vectors } from './keyword-features.ts';
import { WORD_VECTOR_DIMENSIONS } from './word-vectors.ts';

/** A feature found in more keywords than this is not scanned for candidates (it still counts in their similarity). */
export const SCAN_CAP = 400;
/** Candidates per keyword whose exact similarity is computed, after a first pass on the rarer features. */
const CANDIDATES = 60;

/**
 * Each keyword's nearest neighbours by cosine similarity of the weighted feature vectors, at least `minSimilarity`,
 * at most `k`. Candidates come from an inverted index (features in more than SCAN_CAP keywords are not scanned), a
 * first pass adds up the scanned features' products, and the best CANDIDATES get their exact similarity.
 */
export function nearestNeighbours(
  v: Vectors,
  k: number,
  minSimilarity: number,
): { from: number; to: number; sim: number }[] {
  const n = v.ids.length;
  const features = v.docFreq.length;
  const postingDocs: number[][] = Array.from({ length: features }, () => []);
  const postingWeights: number[][] = Array.from({ length: features }, () => []);
  for (let i = 0; i < n; i++) {
    const ids = v.ids[i]!;
    for (let f = 0; f < ids.length; f++) {
      postingDocs[ids[f]!]!.push(i);
      postingWeights[ids[f]!]!.push(v.weights[i]![f]!);
    }
  }
  const score = new Float64Array(n);
  const touched: number[] = [];
  const edges: { from: number; to: number; sim: number }[] = [];
  for (let i = 0; i < n; i++) {
    const ids = v.ids[i]!;
    const w = v.weights[i]!;
    let scanned = false;
    for (let f = 0; f < ids.length; f++) {
      const id = ids[f]!;
      if (v.docFreq[id]! > SCAN_CAP) continue;
      scanned = true;
      const docs = postingDocs[id]!;
      const pw = postingWeights[id]!;
      for (let p = 0; p < docs.length; p++) {
        const j = docs[p]!;
        if (j === i) continue;
        if (score[j] === 0) touched.push(j);
        score[j]! += w[f]! * pw[p]!;
      }
    }
    if (!scanned && ids.length) {
      // Every feature is frequent: the first SCAN_CAP keywords (by volume) of the rarest one are the candidates.
      let rarest = 0;
      for (let f = 1; f < ids.length; f++) if (v.docFreq[ids[f]!]! < v.docFreq[ids[rarest]!]!) rarest = f;
      const docs = postingDocs[ids[rarest]!]!;
      for (let p = 0; p < Math.min(docs.length, SCAN_CAP); p++) {
        const j = docs[p]!;
        if (j !== i && score[j] === 0) {
          touched.push(j);
          score[j] = 1e-9;
        }
      }
    }
    let candidates = touched;
    if (touched.length > CANDIDATES) {
      candidates = [...touched].sort((a, b) => score[b]! - score[a]! || a - b).slice(0, CANDIDATES);
    }
    const best: { to: number; sim: number }[] = [];
    for (const j of candidates) {
      const sim = dotSparse(ids, w, v.ids[j]!, v.weights[j]!);
      if (sim >= minSimilarity) best.push({ to: j, sim });
    }
    for (const j of touched) score[j] = 0;
    touched.length = 0;
    best.sort((a, b) => b.sim - a.sim || a.to - b.to);
    for (const b of best.slice(0, k)) edges.push({ from: i, to: b.to, sim: b.sim });
  }
  return edges;
}

/** Up to this many keywords, word-vector neighbours are found by comparing every pair; above, through buckets. */
const DENSE_EXACT_UP_TO = 2_000;
const DENSE_TABLES = 6;
/** Keywords of one bucket compared at most (the first ones, in keyword order). */
const DENSE_BUCKET_SCAN = 32;
/** Nearest keywords by word meaning kept per keyword whatever their similarity, for keywords left alone. */
const NEAREST = 4;

/**
 * Each keyword's nearest neighbours by word-vector similarity above `floor`. Up to DENSE_EXACT_UP_TO keywords every
 * pair is compared; above, candidates are the keywords sharing one of DENSE_TABLES buckets keyed by the signs of
 * random hyperplane projections (locality-sensitive hashing, seeded: the same buckets on every run), the first
 * DENSE_BUCKET_SCAN of each bucket, so the work grows linearly. Close pairs share a bucket with high probability;
 * a neighbour can be missed, always the same one for the same input.
 */
export function denseNeighbours(
  vectors: readonly (Float32Array | null)[],
  k: number,
  floor: number,
): { edges: { from: number; to: number; sim: number }[]; nearest: Int32Array[]; nearestSim: Float64Array[] } {
  const n = vectors.length;
  const dims = WORD_VECTOR_DIMENSIONS;
  // One contiguous array (row i at i * dims): the inner products below read memory in order.
  const flat = new Float32Array(n * dims);
  const has = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = vectors[i];
    if (!v) continue;
    flat.set(v, i * dims);
    has[i] = 1;
  }
  const dot = (i: number, j: number) => {
    const a = i * dims;
    const b = j * dims;
    let sum = 0;
    for (let d = 0; d < dims; d++) sum += flat[a + d]! * flat[b + d]!;
    return sum;
  };
  const edges: { from: number; to: number; sim: number }[] = [];
  // The k best so far, best first (similarity desc, then keyword order): the same as sorting all and keeping k.
  const bestSim = new Float64Array(k + 1);
  const bestTo = new Int32Array(k + 1);
  let count = 0;
  // The NEAREST best whatever their similarity: where a keyword with no link at all may go (attachLoners).
  const nearest: Int32Array[] = new Array(n);
  const nearestSim: Float64Array[] = new Array(n);
  const anySim = new Float64Array(NEAREST + 1);
  const anyTo = new Int32Array(NEAREST + 1);
  let anyCount = 0;
  const offer = (to: number, sim: number) => {
    let q = anyCount;
    while (q > 0 && (anySim[q - 1]! < sim || (anySim[q - 1] === sim && anyTo[q - 1]! > to))) q--;
    if (q < NEAREST) {
      for (let r = Math.min(anyCount, NEAREST - 1); r > q; r--) {
        anySim[r] = anySim[r - 1]!;
        anyTo[r] = anyTo[r - 1]!;
      }
      anySim[q] = sim;
      anyTo[q] = to;
      if (anyCount < NEAREST) anyCount++;
    }
    if (sim < floor) return;
    let p = count;
    while (p > 0 && (bestSim[p - 1]! < sim || (bestSim[p - 1] === sim && bestTo[p - 1]! > to))) p--;
    if (p >= k) return;
    for (let q = Math.min(count, k - 1); q > p; q--) {
      bestSim[q] = bestSim[q - 1]!;
      bestTo[q] = bestTo[q - 1]!;
    }
    bestSim[p] = sim;
    bestTo[p] = to;
    if (count < k) count++;
  };
  const keep = (i: number) => {
    for (let p = 0; p < count; p++) edges.push({ from: i, to: bestTo[p]!, sim: bestSim[p]! });
    count = 0;
    nearest[i] = anyTo.slice(0, anyCount);
    nearestSim[i] = anySim.slice(0, anyCount);
    anyCount = 0;
  };
  const result = { edges, nearest, nearestSim };
  if (k <= 0) return result;
  if (n <= DENSE_EXACT_UP_TO) {
    for (let i = 0; i < n; i++) {
      if (!has[i]) continue;
      for (let j = 0; j < n; j++) if (j !== i && has[j]) offer(j, dot(i, j));
      keep(i);
    }
    return result;
  }
  const bits = Math.min(16, Math.max(4, Math.round(Math.log2(n / 16))));
  const random = seededRandom(0x5eed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const planes = Float32Array.from({ length: DENSE_TABLES * bits * dims }, gauss);
  const keys = new Int32Array(n * DENSE_TABLES).fill(-1);
  const tables: Map<number, number[]>[] = Array.from({ length: DENSE_TABLES }, () => new Map());
  for (let i = 0; i < n; i++) {
    if (!has[i]) continue;
    const row = i * dims;
    for (let t = 0; t < DENSE_TABLES; t++) {
      let key = 0;
      for (let b = 0; b < bits; b++) {
        const base = (t * bits + b) * dims;
        let sum = 0;
        for (let d = 0; d < dims; d++) sum += flat[row + d]! * planes[base + d]!;
        if (sum >= 0) key |= 1 << b;
      }
      keys[i * DENSE_TABLES + t] = key;
      const bucket = tables[t]!.get(key);
      if (bucket) bucket.push(i);
      else tables[t]!.set(key, [i]);
    }
  }
  const seen = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!has[i]) continue;
    for (let t = 0; t < DENSE_TABLES; t++) {
      const bucket = tables[t]!.get(keys[i * DENSE_TABLES + t]!)!;
      const scan = Math.min(bucket.length, DENSE_BUCKET_SCAN);
      for (let p = 0; p < scan; p++) {
        const j = bucket[p]!;
        if (j === i || seen[j] === i) continue;
        seen[j] = i;
        offer(j, dot(i, j));
      }
    }
    keep(i);
  }
  return result;
}
