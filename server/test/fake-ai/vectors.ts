import { sha256 } from './words.ts';

/**
 * Deterministic embeddings by feature hashing: each word (and word pair) adds ±1 at a few hashed coordinates, then
 * the vector is normalised. Texts sharing words get a higher cosine similarity than unrelated ones, which is what
 * clustering tests need; unrelated texts come out nearly orthogonal.
 */

const STOP = new Set(
  'a an and are as at be by for from has have in is it its of on or that the this to was were will with'.split(' '),
);
const PROBES = 4;

function words(text: string): string[] {
  const all = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => (w.length > 3 ? w.replace(/s$/, '') : w));
  const content = all.filter((w) => !STOP.has(w));
  return content.length ? content : all;
}

export function embed(text: string, dimensions: number): number[] {
  const v = new Float64Array(dimensions);
  const add = (feature: string, weight: number) => {
    const h = sha256(`emb:${feature}`);
    for (let p = 0; p < PROBES; p++) {
      const x = h.readUInt32LE(p * 4);
      v[x % dimensions]! += (x & 0x80000000 ? -1 : 1) * weight;
    }
  };
  const ws = words(text);
  ws.forEach((w, i) => {
    add(w, 1);
    if (i > 0) add(`${ws[i - 1]} ${w}`, 0.5);
  });
  // Every text, even empty or identical-word ones, gets a small unique component so no vector is zero.
  add(`text:${text}`, 0.05);
  let sumSquares = 0;
  for (const x of v) sumSquares += x * x;
  const norm = Math.sqrt(sumSquares) || 1;
  return Array.from(v, (x) => x / norm);
}

/** The API's base64 encoding: little-endian float32s. */
export function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}
