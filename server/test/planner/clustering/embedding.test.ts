import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src/modules/planner/clustering/ari.ts';
import {
  cosine,
  decodeVector,
  encodeVector,
  refineWithEmbeddings,
} from '../../../src/modules/planner/clustering/embedding.ts';
import { clusterLexically, type KeywordForClustering } from '../../../src/modules/planner/clustering/lexical.ts';

/** Hand-made vectors: a few topic axes plus small offsets, so which keywords are "close" is known. */
const DIMS = 8;
const axis = (i: number, extra: [number, number][] = []) => {
  const v = new Array<number>(DIMS).fill(0);
  v[i] = 1;
  for (const [j, x] of extra) v[j]! += x;
  return v;
};

const BIKE = 0;
const PIE = 1;
const BREAD = 2;

const KEYWORDS: [string, number, number[]][] = [
  ['electric bike', 2000, axis(BIKE, [[5, 0.2]])],
  ['electric bikes', 500, axis(BIKE, [[5, 0.25]])],
  ['e bike', 1000, axis(BIKE, [[6, 0.2]])],
  ['e bikes', 300, axis(BIKE, [[6, 0.15]])],
  ['pedelec', 150, axis(BIKE, [[7, 0.3]])],
  ['apple pie', 900, axis(PIE)],
  ['apple pie recipe', 400, axis(PIE, [[5, 0.1]])],
  // Shares "bike" with nothing and no topic with the bikes: its vector is far from them.
  ['banana bread', 100, axis(BREAD, [[BIKE, 0.3]])],
];

const keywords: KeywordForClustering[] = KEYWORDS.map(([normalized, volume], i) => ({
  id: `k${i}`,
  normalized,
  volume,
}));
const vectors = new Map(KEYWORDS.map(([, , v], i) => [`k${i}`, v]));
const names = (clusters: { keywordIds: string[] }[]) =>
  clusters.map((c) => c.keywordIds.map((id) => keywords.find((k) => k.id === id)!.normalized));

/** Deterministic Fisher-Yates shuffle. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('vectors', () => {
  it('encodes float32 little-endian and decodes back, also from an unaligned view', () => {
    const v = [0.5, -1.25, 3.4028234663852886e38, 0];
    const bytes = encodeVector(v);
    expect(bytes.length).toBe(16);
    expect(bytes.readFloatLE(4)).toBe(-1.25);
    expect([...decodeVector(bytes)]).toEqual(v);
    const padded = Buffer.concat([Buffer.from([9]), bytes]);
    expect([...decodeVector(padded.subarray(1))]).toEqual(v);
    expect(() => decodeVector(Buffer.alloc(6))).toThrow(/not float32/);
  });

  it('cosine is 1 for the same direction, 0 for orthogonal or zero vectors', () => {
    expect(cosine([1, 2], [2, 4])).toBeCloseTo(1, 10);
    expect(cosine([1, 0], [0, 3])).toBe(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });
});

describe('refineWithEmbeddings', () => {
  // The lexical method now joins "e bike" and "electric bike" itself (shared stem, GloVe): these tests are about
  // what the embeddings add, so they start from tight word-overlap groups, fixed here.
  const group = (...texts: string[]) => {
    const ids = texts.map((t) => keywords.find((k) => k.normalized === t)!.id);
    return { name: texts[0]!, mainId: ids[0]!, keywordIds: ids };
  };
  const lexical = {
    clusters: [
      group('electric bike', 'electric bikes'),
      group('e bike', 'e bikes'),
      group('apple pie', 'apple pie recipe'),
      group('pedelec'),
      group('banana bread'),
    ],
  };

  it('starts from lexical clusters that keep "e bike" and "electric bike" apart', () => {
    // The lexical method at its tightest with word overlap only still makes these groups' pairs.
    const tight = clusterLexically(keywords, {
      granularity: 5,
      steps: { wordVectors: false, wordnet: false, glosses: false, attach: false, mergeSmall: false },
    });
    expect(names(tight.clusters)).toContainEqual(['apple pie', 'apple pie recipe']);
    expect(names(lexical.clusters)).toEqual([
      ['electric bike', 'electric bikes'],
      ['e bike', 'e bikes'],
      ['apple pie', 'apple pie recipe'],
      ['pedelec'],
      ['banana bread'],
    ]);
  });

  it('merges synonym clusters whose vectors are near, attaches a close singleton, leaves unrelated ones', () => {
    const refined = refineWithEmbeddings(lexical.clusters, keywords, vectors);
    expect(names(refined.clusters)).toEqual([
      ['electric bike', 'e bike', 'electric bikes', 'e bikes', 'pedelec'],
      ['apple pie', 'apple pie recipe'],
      ['banana bread'],
    ]);
    // Named after the highest-volume keyword.
    expect(refined.clusters[0]).toMatchObject({ name: 'electric bike', mainId: 'k0' });
    expect(refined).toMatchObject({ mergedClusters: 1, attachedSingletons: 1, withoutVectors: 0, mode: 'exact' });
  });

  it('does not merge below the threshold', () => {
    const strict = refineWithEmbeddings(lexical.clusters, keywords, vectors, { threshold: 0.999 });
    expect(names(strict.clusters)).toEqual(names(lexical.clusters));
    expect(strict).toMatchObject({ mergedClusters: 0, attachedSingletons: 0 });
  });

  it('gives the same clusters whatever the order of keywords, clusters and members', () => {
    const expected = JSON.stringify(refineWithEmbeddings(lexical.clusters, keywords, vectors).clusters);
    for (const seed of [1, 7, 99, 12_345]) {
      const clusters = shuffled(lexical.clusters, seed).map((c) => ({
        ...c,
        keywordIds: shuffled(c.keywordIds, seed + 1),
      }));
      const out = refineWithEmbeddings(clusters, shuffled(keywords, seed + 2), vectors);
      expect(JSON.stringify(out.clusters)).toBe(expected);
    }
  });

  it('breaks ties between equally similar groups towards the higher-volume one', () => {
    const ks: KeywordForClustering[] = [
      { id: 'a', normalized: 'alpha', volume: 10 },
      { id: 'b', normalized: 'beta', volume: 20 },
      { id: 'c', normalized: 'gamma', volume: 5 },
    ];
    // a and b are orthogonal; c is exactly between them (cosine 0.707 with both).
    const vs = new Map([
      ['a', [1, 0]],
      ['b', [0, 1]],
      ['c', [1, 1]],
    ]);
    const single = ks.map((k) => ({ name: k.normalized, mainId: k.id, keywordIds: [k.id] }));
    const out = refineWithEmbeddings(single, ks, vs, { threshold: 0.7 });
    expect(out.clusters.map((c) => c.keywordIds)).toEqual([['b', 'c'], ['a']]);
  });

  it('leaves clusters without vectors as they are', () => {
    const partial = new Map([...vectors].filter(([id]) => id !== 'k2' && id !== 'k3'));
    const out = refineWithEmbeddings(lexical.clusters, keywords, partial);
    expect(names(out.clusters)).toContainEqual(['e bike', 'e bikes']);
    expect(out.withoutVectors).toBe(1);
  });

  it('finds (nearly) the same groups with buckets as with exact comparisons, at a fraction of the comparisons', () => {
    // 3,000 single keywords around 300 random topic directions (dimension 64).
    let s = 17;
    const random = () => {
      s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
      return s / 2 ** 31 - 0.5;
    };
    const topics = Array.from({ length: 300 }, () => Array.from({ length: 64 }, random));
    const ks: KeywordForClustering[] = [];
    const vs = new Map<string, number[]>();
    for (let i = 0; i < 3000; i++) {
      const topic = topics[i % 300]!;
      const norm = Math.sqrt(topic.reduce((n, x) => n + x * x, 0));
      ks.push({ id: `k${i}`, normalized: `keyword ${i}`, volume: 10_000 - i });
      vs.set(
        `k${i}`,
        topic.map((x) => x / norm + random() * 0.06),
      );
    }
    const single = ks.map((k) => ({ name: k.normalized, mainId: k.id, keywordIds: [k.id] }));
    const exact = refineWithEmbeddings(single, ks, vs, { exactUpTo: 10_000 });
    const bucketed = refineWithEmbeddings(single, ks, vs, { exactUpTo: 100 });
    expect(exact.mode).toBe('exact');
    expect(bucketed.mode).toBe('buckets');
    expect(exact.clusters.length).toBe(300);
    const partition = (clusters: { keywordIds: string[] }[]) =>
      new Map(clusters.flatMap((c, i) => c.keywordIds.map((id) => [id, String(i)] as const)));
    expect(adjustedRandIndex(partition(exact.clusters), partition(bucketed.clusters))).toBeGreaterThan(0.98);
    expect(bucketed.comparisons).toBeLessThan(exact.comparisons / 5);
    // And deterministic.
    expect(JSON.stringify(refineWithEmbeddings(single, ks, vs, { exactUpTo: 100 }).clusters)).toBe(
      JSON.stringify(bucketed.clusters),
    );
  });
});
