import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src/modules/planner/clustering/ari.ts';
import { loadEvalSet } from '../../../src/modules/planner/clustering/eval-sets.ts';
import { generateKeywords } from '../../../src/modules/planner/clustering/generate.ts';
import { clusterLexically, type KeywordForClustering } from '../../../src/modules/planner/clustering/lexical.ts';
import { analyzeKeyword, analyzeKeywords, tokenize } from '../../../src/modules/planner/clustering/tokens.ts';
import { wordRanks } from '../../../src/modules/planner/clustering/word-vectors.ts';

interface Labelled extends KeywordForClustering {
  topic: string;
}

const labelled: Labelled[] = readFileSync(
  new URL('../../fixtures/planner/clustering/labelled-keywords.csv', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .slice(1)
  .map((line, i) => {
    const [topic, keyword, volume] = line.split(',');
    return { id: `k${i}`, topic: topic!, normalized: keyword!, volume: Number(volume) };
  });

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

const partition = (clusters: { keywordIds: string[] }[]) =>
  new Map(clusters.flatMap((c, i) => c.keywordIds.map((id) => [id, String(i)] as const)));

describe('ARI', () => {
  it('is 1 for identical partitions whatever the labels, about 0 for unrelated ones, below 1 for a split', () => {
    const a = new Map([
      ['1', 'x'],
      ['2', 'x'],
      ['3', 'y'],
      ['4', 'y'],
    ]);
    const relabelled = new Map([
      ['1', 'q'],
      ['2', 'q'],
      ['3', 'r'],
      ['4', 'r'],
    ]);
    expect(adjustedRandIndex(a, relabelled)).toBe(1);
    const crossed = new Map([
      ['1', 'p'],
      ['2', 'q'],
      ['3', 'p'],
      ['4', 'q'],
    ]);
    expect(adjustedRandIndex(a, crossed)).toBeLessThan(0);
    // Known value: scikit-learn's adjusted_rand_score([0,0,1,1,2,2],[0,0,1,2,2,2]) = 0.4444...
    const t = new Map(['0', '0', '1', '1', '2', '2'].map((l, i) => [String(i), l]));
    const p = new Map(['0', '0', '1', '2', '2', '2'].map((l, i) => [String(i), l]));
    expect(adjustedRandIndex(t, p)).toBeCloseTo(0.4444, 3);
  });
});

describe('tokenize', () => {
  it('drops English stop words, stems, and sets modifiers and numbers apart', () => {
    expect(tokenize('how to train for a marathon')).toEqual({ stems: ['marathon', 'train'], modifiers: [] });
    expect(tokenize('best running shoes 2025')).toEqual({ stems: ['run', 'shoe'], modifiers: ['2025', 'best'] });
    expect(tokenize("women's hiking boots").stems).toEqual(['boot', 'hike', 'women']);
    expect(tokenize('shoes running').stems).toEqual(tokenize('running shoe').stems);
    // Only modifiers: they are the topic words then.
    expect(tokenize('how to make a budget').stems).toEqual(['budget', 'make']);
  });

  it("stems other languages with their own stemmer and stop words, and reads a keyword's language from its words", () => {
    expect(tokenize('zapatillas para correr', 'es').stems).toEqual(['corr', 'zapatill']);
    expect(analyzeKeyword('cómo hacer paella').language).toBe('es');
    expect(analyzeKeyword('steuererklärung selber machen').language).toBe('de');
    expect(analyzeKeyword('recette crêpes').language).toBe('fr');
    expect(analyzeKeyword('am i pregnant quiz')).toMatchObject({ language: 'en', stems: ['pregnant', 'quiz'] });
    // A word is stemmed the same way in every keyword of a list, whatever each keyword's language.
    const [a, b] = analyzeKeywords(['abnehmen am bauch für frauen', 'schnell abnehmen']);
    expect(a!.stems.filter((s) => b!.stems.includes(s))).toHaveLength(1);
  });
});

describe('word ranks', () => {
  it('gives the GloVe frequency rank of known words (common words first), nothing for unknown ones', () => {
    const ranks = wordRanks(['the', 'sleep', 'insomnia', 'qxzvw']);
    expect(ranks.get('the')).toBeLessThan(10);
    expect(ranks.get('sleep')).toBeLessThan(ranks.get('insomnia')!);
    expect(ranks.has('qxzvw')).toBe(false);
  });
});

describe('lexical clustering', () => {
  const result = clusterLexically(labelled);
  const clusterOf = (kw: string, r = result) =>
    r.clusters.findIndex((c) => c.keywordIds.includes(labelled.find((k) => k.normalized === kw)!.id));

  it('keeps an adjusted Rand index of at least 0.65 on the first labelled set', () => {
    const truth = new Map(labelled.map((k) => [k.id, k.topic]));
    const ari = adjustedRandIndex(truth, partition(result.clusters));
    // Measured 0.694 with the defaults (46 topics, 365 keywords, 30 clusters: broader than its labels, which split
    // "cat food" from "dog food"); the seed-coverage method it replaced scored 0.89 here, the set it was tuned on,
    // and 0.035 on the development half of the new set (eval-sets.test.ts).
    console.log(`labelled set: ARI ${ari.toFixed(3)}, ${result.clusters.length} clusters, 46 topics`);
    expect(ari).toBeGreaterThanOrEqual(0.65);
  });

  it('gives the same clusters for any input order', () => {
    const canonical = JSON.stringify(result);
    for (const seed of [1, 7, 2024]) expect(JSON.stringify(clusterLexically(shuffled(labelled, seed)))).toBe(canonical);
  });

  it('names each cluster after its head term and lists its highest-volume keyword first', () => {
    const byId = new Map(labelled.map((k) => [k.id, k]));
    for (const c of result.clusters) {
      const members = c.keywordIds.map((id) => byId.get(id)!);
      expect(c.mainId).toBe(c.keywordIds[0]);
      expect(members[0]!.volume).toBe(Math.max(...members.map((m) => m.volume ?? 0)));
      // The head term is words most members share, as written.
      const sharing = members.filter((m) => m.normalized.includes(c.name)).length;
      expect(sharing, c.name).toBeGreaterThanOrEqual(Math.min(2, members.length));
    }
    expect(result.clusters[clusterOf('nike running shoes')]!.name).toBe('running shoes');
  });

  it('keeps near-miss topics that share a word apart, and joins phrasings of one need', () => {
    expect(clusterOf('running socks')).not.toBe(clusterOf('running shoes'));
    expect(clusterOf('running shoes')).toBe(clusterOf('shoes for running'));
    expect(clusterOf('apple pie recipe')).toBe(clusterOf('how to make apple pie'));
  });

  it('links words that mean related things (WordNet, GloVe vectors), and each step can be turned off', () => {
    const keywords = [
      'workout at home',
      'home workout no equipment',
      '20 minute workout',
      'bodyweight exercises at home',
      'how to fall asleep fast',
      'insomnia remedies',
      'cant sleep at night',
      'chronic insomnia treatment',
    ].map((normalized, i) => ({ id: `w${i}`, normalized, volume: 100 - i }));
    const together = (r: ReturnType<typeof clusterLexically>, a: number, b: number) =>
      r.clusters.some((c) => c.keywordIds.includes(`w${a}`) && c.keywordIds.includes(`w${b}`));
    const full = clusterLexically(keywords);
    // The case: "X at home" and "N-minute X" are one topic.
    expect(together(full, 0, 2)).toBe(true);
    expect(together(full, 0, 3)).toBe(true);
    expect(together(full, 5, 7)).toBe(true);
    expect(together(full, 0, 4) || together(full, 0, 5)).toBe(false);
    // On the development half, word meaning (WordNet, GloVe) places the keywords words alone leave single (measured:
    // 11 single-keyword clusters instead of 52, 53 clusters instead of 113 for 44 topics) and raises the index
    // (0.395 from 0.292).
    const dev = loadEvalSet('dev');
    const truth = new Map(dev.map((k) => [k.id, k.topic]));
    const measure = (steps: object) => {
      const r = clusterLexically(dev, { steps });
      return { ari: adjustedRandIndex(truth, partition(r.clusters)), clusters: r.clusters.length };
    };
    const withMeaning = measure({});
    const wordsOnly = measure({ wordVectors: false, wordnet: false, glosses: false });
    expect(withMeaning.ari).toBeGreaterThan(wordsOnly.ari + 0.01);
    expect(withMeaning.clusters).toBeLessThan(wordsOnly.clusters / 2);
  });

  it('lets a keyword with no link join the group whose keywords its letters resemble, and no group when none does', () => {
    const keywords = [
      'camping gear list',
      'best camping tents',
      'camping stove',
      'glamping', // no GloVe vector, no shared stem: only its letters ("ampi", "mpin", "ping") tell
      'dog training tips',
      'puppy training',
      'dog obedience training',
      'crate training a puppy',
      'qxzvw', // nothing alike
    ].map((normalized, i) => ({ id: `g${i}`, normalized, volume: 100 - i }));
    const groupOf = (r: ReturnType<typeof clusterLexically>, id: string) =>
      r.clusters.find((c) => c.keywordIds.includes(id))!.keywordIds;
    const full = clusterLexically(keywords);
    expect(groupOf(full, 'g3')).toEqual(['g0', 'g1', 'g2', 'g3']);
    expect(groupOf(full, 'g8')).toEqual(['g8']);
    const without = clusterLexically(keywords, { steps: { attach: false } });
    expect(groupOf(without, 'g3')).toEqual(['g3']);
    expect(groupOf(without, 'g0')).toEqual(['g0', 'g1', 'g2']);
  });

  it('makes fewer clusters at a broader granularity', () => {
    const counts = [1, 3, 5].map((granularity) => clusterLexically(labelled, { granularity }).clusters.length);
    expect(counts[0]).toBeLessThanOrEqual(counts[1]!);
    expect(counts[1]).toBeLessThan(counts[2]!);
  });

  it('leaves groups under minClusterSize unclustered, and handles empty and stop-word-only input', () => {
    // The smallest groups of this set have 6 and 7 keywords (keywords left alone join a group).
    const r = clusterLexically(labelled, { minClusterSize: 8 });
    expect(r.clusters.every((c) => c.keywordIds.length >= 8)).toBe(true);
    const covered = r.clusters.reduce((n, c) => n + c.keywordIds.length, 0) + r.unclustered.length;
    expect(covered).toBe(labelled.length);
    expect(r.unclustered.length).toBeGreaterThan(0);
    expect(clusterLexically([])).toEqual({ clusters: [], unclustered: [] });
    const odd = clusterLexically([
      { id: 'a', normalized: 'the', volume: null },
      { id: 'b', normalized: 'how to', volume: 5 },
      { id: 'c', normalized: 'best', volume: 1 },
    ]);
    expect(odd.clusters.flatMap((c) => c.keywordIds).sort()).toEqual(['a', 'b', 'c']);
  });

  it('groups 10,000 generated keywords in under 5 seconds', () => {
    const keywords = generateKeywords(10_000);
    clusterLexically(keywords.slice(0, 50)); // loads WordNet and the word-vector index, once per process
    const started = performance.now();
    const r = clusterLexically(keywords);
    const ms = performance.now() - started;
    expect(r.clusters.reduce((n, c) => n + c.keywordIds.length, 0)).toBe(10_000);
    expect(r.clusters.length).toBeGreaterThan(100);
    expect(r.clusters.length).toBeLessThan(5_000);
    // The goal is 5 s on 2 idle cores (npm run bench:clustering -- --check); tests share the machine, so the bound
    // here only catches a gross regression.
    expect(ms).toBeLessThan(15_000);
  }, 60_000);
});
