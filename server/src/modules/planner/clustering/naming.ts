import type { AnalyzedKeyword } from './tokens.ts';

interface Member {
  keyword: { normalized: string };
  analyzed: AnalyzedKeyword;
}

/** Longest phrase considered for a head term, in words. */
const MAX_WORDS = 3;

/**
 * A cluster's name: its head term, the phrase (1 to 3 consecutive topic words) the most of its keywords share, longer
 * phrases winning when they are shared nearly as widely ("potty training" over "potty"), written as most keywords
 * write it. A cluster whose keywords share no phrase, or a single keyword, is named after its first keyword (the
 * highest volume). Members come in keyword order (volume desc, then text): ties go to the earlier keyword.
 */
export function clusterName(members: readonly Member[]): string {
  const first = members[0]!.keyword.normalized;
  if (members.length < 2) return first;
  const phrases = new Map<string, { count: number; length: number; forms: Map<string, number>; order: number }>();
  let order = 0;
  for (const m of members) {
    const seen = new Set<string>();
    const { words, wordStems } = m.analyzed;
    for (let len = 1; len <= MAX_WORDS; len++) {
      for (let i = 0; i + len <= wordStems.length; i++) {
        const key = wordStems.slice(i, i + len).join(' ');
        if (seen.has(key)) continue;
        seen.add(key);
        const form = words.slice(i, i + len).join(' ');
        let p = phrases.get(key);
        if (!p) {
          p = { count: 0, length: len, forms: new Map(), order: order++ };
          phrases.set(key, p);
        }
        p.count++;
        p.forms.set(form, (p.forms.get(form) ?? 0) + 1);
      }
    }
  }
  let best: { count: number; length: number; forms: Map<string, number>; order: number } | undefined;
  let bestScore = 0;
  for (const p of phrases.values()) {
    if (p.count < 2) continue;
    // A phrase of two words shared by 8 keywords beats one word shared by 10.
    const score = p.count * (1 + 0.3 * (p.length - 1));
    if (score > bestScore || (score === bestScore && best && p.order < best.order)) {
      best = p;
      bestScore = score;
    }
  }
  if (!best) return first;
  let name = '';
  let uses = 0;
  for (const [form, count] of best.forms) {
    if (count > uses) {
      name = form;
      uses = count;
    }
  }
  return name;
}
