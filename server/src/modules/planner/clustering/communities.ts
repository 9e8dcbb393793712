/**
 * Community detection over the keyword graph (clusterLexically's step 3): graphology's Louvain, loaded through
 * require (CommonJS), the seeded random sequence that makes it deterministic, and connected components for when the
 * communities step is off. Apart from lexical.ts so that the entry holds no module-loading details.
 */
import { createRequire } from 'node:module';
import type { AbstractGraph } from 'graphology-types';
import type { LouvainOptions } from 'graphology-communities-louvain';

// Both packages are CommonJS whose types declare a default export; require gives the real module.
const require = createRequire(import.meta.url);
export const { UndirectedGraph } = require('graphology') as {
  UndirectedGraph: new (options?: { allowSelfLoops?: boolean }) => AbstractGraph;
};
export const louvain = require('graphology-communities-louvain') as (
  graph: AbstractGraph,
  options?: LouvainOptions,
) => Record<string, number>;

/** Mulberry32: the same sequence on every machine, so community detection is deterministic. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Union-find over 0..n-1. */
export function components(n: number, edges: readonly { from: number; to: number }[]): Int32Array {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (const e of edges) {
    const a = find(e.from);
    const b = find(e.to);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  return Int32Array.from({ length: n }, (_, i) => find(i));
}
