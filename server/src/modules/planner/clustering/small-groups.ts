/**
 * What happens to the groups community detection left tiny (clusterLexically's step 4): groups of one or two join the
 * group their weak links point to, and keywords still alone join the group of the keyword most like them by letters
 * or word meaning. Apart from lexical.ts because these are post-passes with their own similarity (letter 4-grams).
 */
import { SCAN_CAP } from './keyword-neighbours.ts';
import type { LexicalSteps } from './lexical.ts';
import type { AnalyzedKeyword } from './tokens.ts';

/**
 * Groups the graph left tiny: a keyword alone (attach) and groups of 2 (mergeSmall) join the group their weak links
 * point to the most (summed similarity), smallest groups first, in keyword order. A keyword with no link stays alone.
 */
export function mergeSmallGroups(
  community: Int32Array,
  weak: readonly { from: number; to: number; sim: number }[][],
  steps: LexicalSteps,
) {
  const n = community.length;
  const membersOf = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = membersOf.get(community[i]!);
    if (list) list.push(i);
    else membersOf.set(community[i]!, [i]);
  }
  const small = [...membersOf.entries()]
    .filter(([, list]) => list.length <= 2)
    .sort((a, b) => a[1].length - b[1].length || a[1][0]! - b[1][0]!)
    .map(([c]) => c);
  for (const c of small) {
    const list = membersOf.get(c)!;
    // Groups that grew past 2 by taking others in stay.
    if (list.length > 2 || list.length === 0) continue;
    if (list.length === 1 ? !steps.attach : !steps.mergeSmall) continue;
    const pull = new Map<number, number>();
    for (const i of list) {
      for (const e of weak[i] ?? []) {
        const target = community[e.to]!;
        if (target !== c) pull.set(target, (pull.get(target) ?? 0) + e.sim);
      }
    }
    let best = -1;
    let bestPull = 0;
    for (const [target, p] of pull) {
      if (p > bestPull || (p === bestPull && target < best)) {
        best = target;
        bestPull = p;
      }
    }
    if (best < 0) continue;
    const into = membersOf.get(best)!;
    for (const i of list) {
      community[i] = best;
      into.push(i);
    }
    list.length = 0;
  }
}

/** The least similarity (letters or word meaning) at which a keyword left alone joins another's group. */
const ATTACH_MIN = 0.1;

/** Letter 4-grams of a keyword's topic words, each word padded with spaces ("vlookup": " vlo", "vloo", ...). */
function letterGrams(a: AnalyzedKeyword): string[] {
  const out = new Set<string>();
  for (const word of a.words) {
    const padded = ` ${word} `;
    if (padded.length <= 4) out.add(padded);
    for (let i = 0; i + 4 <= padded.length; i++) out.add(padded.slice(i, i + 4));
  }
  return [...out];
}

/**
 * Keywords still alone (no link strong enough, no weak link either: brand names, jargon, another language's
 * inflection) join the group of the keyword most like them, by letters (cosine of letter 4-grams weighted by inverse
 * document frequency: "hipotecas" and "hipoteca", "kaloriendefizit" and "kalorien") or by word meaning (cosine of the
 * keyword vectors: "vlookup" and "excel formulas"), whichever is higher, when it reaches ATTACH_MIN. Only keywords in
 * groups of two or more are targets, so loners never chain. On the development half this took the cluster count from
 * 79 to 53 for 44 topics, the index unchanged (0.39).
 */
export function attachLoners(
  community: Int32Array,
  analyzed: readonly AnalyzedKeyword[],
  near: { nearest: Int32Array[]; nearestSim: Float64Array[] } | null,
) {
  const n = community.length;
  const size = new Map<number, number>();
  for (let i = 0; i < n; i++) size.set(community[i]!, (size.get(community[i]!) ?? 0) + 1);
  const loners: number[] = [];
  for (let i = 0; i < n; i++) if (size.get(community[i]!) === 1) loners.push(i);
  if (!loners.length) return;
  const grams = analyzed.map(letterGrams);
  const df = new Map<string, number>();
  for (const list of grams) for (const g of list) df.set(g, (df.get(g) ?? 0) + 1);
  const wanted = new Set(loners.flatMap((i) => grams[i]!));
  const postings = new Map<string, number[]>();
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let norm = 0;
    for (const g of grams[j]!) {
      const idf = Math.log(1 + n / df.get(g)!);
      norm += idf * idf;
      if (!wanted.has(g) || size.get(community[j]!) === 1) continue;
      const list = postings.get(g);
      if (list) list.push(j);
      else postings.set(g, [j]);
    }
    norms[j] = Math.sqrt(norm) || 1;
  }
  const score = new Float64Array(n);
  const touched: number[] = [];
  const moves: [number, number][] = [];
  for (const i of loners) {
    for (const g of grams[i]!) {
      const list = postings.get(g);
      if (!list || list.length > SCAN_CAP) continue;
      const idf = Math.log(1 + n / df.get(g)!);
      for (const j of list) {
        if (score[j] === 0) touched.push(j);
        score[j]! += (idf * idf) / (norms[i]! * norms[j]!);
      }
    }
    let best = -1;
    let bestScore = ATTACH_MIN;
    const consider = (j: number, s: number) => {
      if (s > bestScore || (s === bestScore && best >= 0 && j < best)) {
        best = j;
        bestScore = s;
      }
    };
    for (const j of touched) consider(j, score[j]!);
    for (const j of touched) score[j] = 0;
    touched.length = 0;
    const nearest = near?.nearest[i];
    if (nearest) {
      for (let p = 0; p < nearest.length; p++) {
        const j = nearest[p]!;
        if (size.get(community[j]!)! > 1) consider(j, near!.nearestSim[i]![p]!);
      }
    }
    if (best >= 0) moves.push([i, community[best]!]);
  }
  for (const [i, c] of moves) community[i] = c;
}
