/**
 * The keywords' sparse features for word overlap: stems, modifiers, adjacent stem pairs, WordNet synonyms, hypernyms
 * and gloss words, each weighted by its kind and by inverse document frequency, as unit vectors (clusterLexically's
 * step 1). Apart from lexical.ts so that the entry reads as the pipeline and this file as the weighting.
 */
import { stemmer as englishStem } from 'stemmer';
import type { LexicalSteps } from './lexical.ts';
import { ENGLISH_STOP_WORDS, MODIFIER_WORDS, type AnalyzedKeyword } from './tokens.ts';
import { conceptsOf, type WordConcepts } from './wordnet.ts';

/** Feature kinds and the share of a word's weight each carries. */
const KIND_WEIGHT = {
  word: 1,
  modifier: 0.15,
  phrase: 0.7,
  synset: 0.6,
  hypernym: 0.3,
  gloss: 0.3,
} as const;
type Kind = keyof typeof KIND_WEIGHT;

/** Sparse unit vectors: feature ids ascending with their weights. */
export interface Vectors {
  ids: Int32Array[];
  weights: Float32Array[];
  docFreq: Int32Array;
}

/** A feature: its key, kind, and its share of its kind's weight (a word's concepts share one word's weight). */
type Feature = [key: string, kind: Kind, share: number];

function featureKeys(
  a: AnalyzedKeyword,
  steps: LexicalSteps,
  linking?: ReadonlySet<number>,
  vocabulary?: ReadonlySet<string>,
): Feature[] {
  const out: Feature[] = [];
  for (const s of a.stems) out.push([`w:${s}`, 'word', 1]);
  for (const m of a.modifiers) out.push([`m:${m}`, 'modifier', 1]);
  if (steps.phrases) {
    for (let i = 1; i < a.wordStems.length; i++) out.push([`p:${a.wordStems[i - 1]} ${a.wordStems[i]}`, 'phrase', 1]);
  }
  if (steps.wordnet && a.language === 'en') {
    for (const [lemma, c] of wordConcepts(a)) {
      void lemma;
      const synsets = linking ? c.synsets.filter((s) => linking.has(s)) : c.synsets;
      const hypernyms = linking ? c.hypernyms.filter((h) => linking.has(h)) : c.hypernyms;
      // One key space: a word's hypernym meets another word's own sense ("latte" is a kind of "coffee").
      for (const s of synsets) out.push([`c:${s}`, 'synset', 1 / c.synsets.length]);
      for (const h of hypernyms) out.push([`c:${h}`, 'hypernym', 1 / c.hypernyms.length]);
    }
  }
  if (steps.glosses && vocabulary && a.language === 'en') {
    const own = new Set(a.stems);
    for (const [, c] of wordConcepts(a)) {
      const related = new Set<string>();
      for (const word of c.gloss) {
        if (ENGLISH_STOP_WORDS.has(word) || MODIFIER_WORDS.has(word)) continue;
        const s = englishStem(word);
        if (vocabulary.has(s) && !own.has(s)) related.add(s);
      }
      for (const s of related) out.push([`w:${s}`, 'gloss', 1 / Math.max(2, related.size)]);
    }
  }
  return out;
}

/** The WordNet concepts of a keyword's English words and adjacent word pairs ("credit_card"), by lemma. */
function wordConcepts(a: AnalyzedKeyword): [string, WordConcepts][] {
  const lemmas = [...a.words];
  for (let i = 1; i < a.words.length; i++) lemmas.push(`${a.words[i - 1]}_${a.words[i]}`);
  const out: [string, WordConcepts][] = [];
  for (const lemma of lemmas) {
    if (/^\d/u.test(lemma)) continue;
    const c = conceptsOf(lemma);
    if (c) out.push([lemma, c]);
  }
  return out;
}

/**
 * Concepts that link two different lemmas of the input (a synonym pair, or a hyponym and its hypernym's own word):
 * only those add a feature. A concept only one lemma has would count that word twice.
 */
function linkingConcepts(analyzed: readonly AnalyzedKeyword[]): Set<number> {
  const lemmasOf = new Map<number, string>();
  const linking = new Set<number>();
  const seen = new Set<string>();
  for (const a of analyzed) {
    if (a.language !== 'en') continue;
    for (const [lemma, c] of wordConcepts(a)) {
      if (seen.has(lemma)) continue;
      seen.add(lemma);
      for (const id of [...c.synsets, ...c.hypernyms]) {
        const other = lemmasOf.get(id);
        if (other === undefined) lemmasOf.set(id, lemma);
        else if (other !== lemma) linking.add(id);
      }
    }
  }
  return linking;
}

export function vectorize(analyzed: readonly AnalyzedKeyword[], steps: LexicalSteps): Vectors {
  const n = analyzed.length;
  const featureIds = new Map<string, number>();
  const kinds: Kind[] = [];
  const docs: Map<number, number>[] = new Array(n);
  const df: number[] = [];
  const linking = steps.wordnet ? linkingConcepts(analyzed) : undefined;
  const vocabulary = new Set(analyzed.flatMap((a) => (a.language === 'en' ? a.stems : [])));
  for (let i = 0; i < n; i++) {
    const doc = new Map<number, number>();
    for (const [key, kind, share] of featureKeys(analyzed[i]!, steps, linking, vocabulary)) {
      let id = featureIds.get(key);
      if (id === undefined) {
        id = kinds.length;
        featureIds.set(key, id);
        kinds.push(kind);
        df.push(0);
      }
      const weight = KIND_WEIGHT[kind] * share;
      const had = doc.get(id);
      if (had === undefined) df[id]!++;
      doc.set(id, Math.max(had ?? 0, weight));
    }
    docs[i] = doc;
  }
  const ids: Int32Array[] = new Array(n);
  const weights: Float32Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const sorted = Int32Array.from(docs[i]!.keys()).sort();
    const w = new Float32Array(sorted.length);
    let norm = 0;
    sorted.forEach((f, k) => {
      const idf = Math.log(1 + n / df[f]!);
      w[k] = idf * docs[i]!.get(f)!;
      norm += w[k]! * w[k]!;
    });
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < w.length; k++) w[k]! /= norm;
    ids[i] = sorted;
    weights[i] = w;
  }
  return { ids, weights, docFreq: Int32Array.from(df) };
}

export function dotSparse(aIds: Int32Array, aW: Float32Array, bIds: Int32Array, bW: Float32Array): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < aIds.length && j < bIds.length) {
    const x = aIds[i]!;
    const y = bIds[j]!;
    if (x === y) sum += aW[i++]! * bW[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return sum;
}
