import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evaluate, loadEvalSet } from '../../../src/modules/planner/clustering/eval-sets.ts';
import { clusterLexically } from '../../../src/modules/planner/clustering/lexical.ts';

const language = (topic: string) => /^(es|de|fr)-/u.exec(topic)?.[1] ?? 'en';
const sha = (topic: string) => createHash('sha256').update(topic).digest('hex');

describe('the labelled evaluation set', () => {
  const dev = loadEvalSet('dev');
  const heldout = loadEvalSet('heldout');

  it('is 1,000+ keywords in 60+ topics, split by topic with the documented rule (README)', () => {
    const all = [...dev, ...heldout];
    const topics = [...new Set(all.map((k) => k.topic))];
    expect(all.length).toBeGreaterThanOrEqual(1_000);
    expect(topics.length).toBeGreaterThanOrEqual(60);
    expect(new Set(all.map((k) => k.normalized)).size).toBe(all.length);
    // Per language, topics sorted by SHA-256: even positions are development, odd ones held out.
    const expectedDev = new Set<string>();
    for (const lang of new Set(topics.map(language))) {
      const sorted = topics.filter((t) => language(t) === lang).sort((a, b) => (sha(a) < sha(b) ? -1 : 1));
      sorted.forEach((t, i) => i % 2 === 0 && expectedDev.add(t));
    }
    expect(new Set(dev.map((k) => k.topic))).toEqual(expectedDev);
    expect(heldout.some((k) => expectedDev.has(k.topic))).toBe(false);
    expect(new Set(heldout.map((k) => language(k.topic)))).toEqual(new Set(['en', 'es', 'de', 'fr']));
  });

  it('lexical clustering holds its measured figures on the held-out half (a regression fails here)', () => {
    const started = performance.now();
    const report = evaluate(heldout, clusterLexically(heldout).clusters);
    console.log(
      `held-out half: ARI ${report.ari.toFixed(3)}, ${report.clusters} clusters for ${report.topics} topics, ` +
        `purity ${report.purity.toFixed(3)}, ${Math.round(performance.now() - started)} ms`,
    );
    // The goal is ARI >= 0.6 within 1.5x of the topic count. The count is met, the index is NOT: measured 0.423 with
    // 58 clusters for 43 topics (1.35x). These bounds only stop it getting worse; raise them as the method improves.
    expect(report.ari).toBeGreaterThanOrEqual(0.42);
    expect(report.countRatio).toBeLessThanOrEqual(1.5);
  }, 30_000);
});
