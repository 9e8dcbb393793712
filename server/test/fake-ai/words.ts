import { createHash } from 'node:crypto';

/**
 * Deterministic building blocks of the fake's content: a seeded PRNG, the prompt's keywords and listed items, and a
 * writer of plausible English (sentences, titles, markdown, HTML) from a small word list plus those keywords.
 */

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** sfc32 seeded from a SHA-256 of the seed text: tiny, fast and fully deterministic. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: string) {
    const h = sha256(seed);
    this.#a = h.readUInt32LE(0);
    this.#b = h.readUInt32LE(4);
    this.#c = h.readUInt32LE(8);
    this.#d = h.readUInt32LE(12);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number {
    return max <= min ? min : min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Words

export const wordList = (s: string) => s.trim().split(/\s+/);

const STOPWORDS = new Set(
  wordList(`a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he her
    here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself please must may might shall use using used make makes given give following follow
    write return respond reply answer output provide generate create produce include includes based each every json
    schema format field fields object array string strings value values words word only exactly approximately around
    roughly list item items text valid response request user assistant system tool tools call function task group
    keywords keyword clusters article post blog seo title titles content below short long concise brief english
    you're it's don't`),
);

export const NOUNS =
  wordList(`guide approach reader question choice result detail budget routine option strategy example habit
  feature method plan team project season process difference benefit tool step goal price value problem answer trend
  checklist comparison review setup schedule story idea insight outcome workflow`);
const VERBS = wordList(`improves supports shapes drives explains connects reveals builds guides simplifies strengthens
  highlights influences balances covers defines organizes measures reduces boosts changes protects clarifies extends`);
const ADJECTIVES = wordList(`practical clear reliable simple modern useful careful steady local seasonal common detailed
  quick natural popular fresh complete smart gentle strong affordable durable flexible focused essential proven`);
const PREPOSITIONS = wordList('for with across during without through beyond around within after');
const ADVERBS = wordList('quickly clearly often carefully easily rarely consistently naturally');
const DETERMINERS = wordList('the a every each this any one your');

/** Sentence shapes: Determiner Adjective Noun Verb Preposition adveRb, K = a prompt keyword. */
const TEMPLATES = [
  'D A N V D N P D N',
  'K V D A N P N',
  'D N P K V A N',
  'K A N V D N A',
  'D A K V N R',
  'D N V D A N P K',
  'K V D N R P D A N',
];

/** Lowercased content words of `text`, stopwords and numbers removed, first occurrence order, deduplicated. */
export function extractKeywords(text: string, limit = 24): string[] {
  const seen = new Set<string>();
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []) {
    const word = raw.replace(/['-]+$/, '');
    if (word.length < 3 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    seen.add(word);
    if (seen.size >= limit) break;
  }
  return [...seen];
}

/**
 * Items the prompt lists (bullet or numbered lines, JSON string arrays, "Label: a, b, c" lines), so that e.g. a
 * clustering answer groups the very keywords it was given.
 */
export function extractPhrases(text: string, limit = 200): string[] {
  const out: string[] = [];
  const add = (s: string) => {
    const v = s
      .trim()
      .replace(/^["'`]|["'`,;.]$/g, '')
      .trim();
    if (v && v.length <= 80 && v.split(/\s+/).length <= 8 && !out.includes(v)) out.push(v);
  };
  for (const line of text.split('\n')) {
    const bullet = /^\s*(?:[-*•]|\d{1,3}[.)])\s+(.+)$/.exec(line);
    if (bullet) add(bullet[1]!);
    const labelled = /^[^:]{1,40}:\s*(.+)$/.exec(line);
    if (labelled && !labelled[1]!.includes('[')) {
      const parts = labelled[1]!.split(',');
      if (parts.length >= 3) parts.forEach(add);
    }
  }
  for (const match of text.matchAll(/\[[^[\]]*\]/g)) {
    try {
      const arr: unknown = JSON.parse(match[0]);
      if (Array.isArray(arr)) for (const s of arr) if (typeof s === 'string') add(s);
    } catch {
      // Not JSON: prose in brackets.
    }
  }
  return out.slice(0, limit);
}

export const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const titleCase = (s: string) =>
  s
    .split(/\s+/)
    .map((w, i) =>
      i > 0 && ['a', 'an', 'and', 'for', 'of', 'the', 'with', 'to', 'in'].includes(w) ? w : capitalize(w),
    )
    .join(' ');
export const countWords = (s: string) => (s.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? []).length;

/** Plausible English from a small word list plus the prompt's keywords. */
export class Writer {
  readonly keywords: string[];
  readonly phrases: string[];
  #phraseCursor = 0;
  #keywordCursor = 0;

  constructor(
    readonly rng: Rng,
    promptText: string,
  ) {
    this.phrases = extractPhrases(promptText);
    // Listed items first: they are what the prompt is about, the rest is mostly instructions.
    this.keywords = extractKeywords(`${this.phrases.join('\n')}\n${promptText}`);
  }

  keyword(): string {
    return this.keywords.length ? this.rng.pick(this.keywords) : this.rng.pick(NOUNS);
  }

  /** Prompt keywords in order, cycling, so consecutive fields mention different ones. */
  nextKeyword(): string {
    if (!this.keywords.length) return this.rng.pick(NOUNS);
    return this.keywords[this.#keywordCursor++ % this.keywords.length]!;
  }

  /** Listed prompt items in order, cycling, so consecutive arrays partition them; falls back to keywords. */
  nextPhrase(): string {
    if (!this.phrases.length) return this.nextKeyword();
    return this.phrases[this.#phraseCursor++ % this.phrases.length]!;
  }

  sentence(): string {
    const words: string[] = [];
    for (const slot of this.rng.pick(TEMPLATES).split(' ')) {
      if (slot === 'D') words.push(this.rng.pick(DETERMINERS));
      else if (slot === 'A') words.push(this.rng.pick(ADJECTIVES));
      else if (slot === 'N') words.push(this.rng.chance(0.3) ? this.keyword() : this.rng.pick(NOUNS));
      // Few keywords would repeat in every sentence: mix in plain nouns the fewer there are.
      else if (slot === 'K')
        words.push(this.rng.chance(0.3 + 0.15 * this.keywords.length) ? this.keyword() : this.rng.pick(NOUNS));
      else if (slot === 'V') words.push(this.rng.pick(VERBS));
      else if (slot === 'P') words.push(this.rng.pick(PREPOSITIONS));
      else words.push(this.rng.pick(ADVERBS));
    }
    for (let i = 0; i < words.length - 1; i++) if (words[i] === 'a' && /^[aeiou]/.test(words[i + 1]!)) words[i] = 'an';
    return capitalize(words.join(' ')) + '.';
  }

  paragraph(sentences = this.rng.int(2, 4)): string {
    return Array.from({ length: sentences }, () => this.sentence()).join(' ');
  }

  /** A short phrase led by a prompt keyword: names, titles, labels. */
  phrase(minWords = 2, maxWords = 5): string {
    const n = this.rng.int(minWords, maxWords);
    const words = [this.nextKeyword()];
    while (words.length < n) {
      const r = this.rng.next();
      words.push(r < 0.4 ? this.keyword() : r < 0.7 ? this.rng.pick(ADJECTIVES) : this.rng.pick(NOUNS));
    }
    return [...new Set(words)].join(' ');
  }

  title(): string {
    return titleCase(this.phrase(3, 6));
  }

  /** Markdown of about `words` words: a title, headed sections, paragraphs and the odd bullet list. */
  markdown(words: number): string {
    if (words < 40) return trimToWords(this.paragraph(Math.ceil(words / 6) + 1), words);
    const blocks = [`# ${this.title()}`];
    let count = countWords(blocks[0]!);
    let sinceHeading = 0;
    while (count < words) {
      let block: string;
      if (sinceHeading >= 2 && words - count > 60) {
        block = `## ${this.title()}`;
        sinceHeading = 0;
      } else if (sinceHeading === 1 && this.rng.chance(0.3)) {
        block = Array.from({ length: 3 }, () => `- ${this.sentence()}`).join('\n');
        sinceHeading++;
      } else {
        block = this.paragraph();
        sinceHeading++;
      }
      const n = countWords(block);
      if (count + n > words) block = trimToWords(block, words - count);
      blocks.push(block);
      count += countWords(block);
    }
    return blocks.join('\n\n');
  }

  /** The same, as simple HTML (post bodies). */
  html(words: number): string {
    return this.markdown(words)
      .split('\n\n')
      .map((block) => {
        if (block.startsWith('# ')) return `<h2>${block.slice(2)}</h2>`;
        if (block.startsWith('## ')) return `<h3>${block.slice(3)}</h3>`;
        if (block.startsWith('- '))
          return `<ul>${block
            .split('\n')
            .map((l) => `<li>${l.slice(2)}</li>`)
            .join('')}</ul>`;
        return `<p>${block}</p>`;
      })
      .join('\n');
  }
}

function trimToWords(text: string, words: number): string {
  if (words <= 0) return '';
  const tokens = text.split(/(\s+)/);
  let count = 0;
  let out = '';
  for (const t of tokens) {
    if (/[\p{L}\p{N}]/u.test(t)) {
      if (count === words) break;
      count++;
    }
    out += t;
  }
  out = out.trimEnd();
  if (/[.!?]$/.test(out)) return out;
  // A cut sentence should not end on "with" or "the".
  const dangling = new RegExp(`\\s+(?:${[...PREPOSITIONS, ...DETERMINERS, 'an', 'and'].join('|')})$`, 'i');
  while (dangling.test(out)) out = out.replace(dangling, '');
  return out.replace(/[,;:]$/, '') + '.';
}

/** "about 800 words", "600-900 words", "in 1200 words": the length the prompt asks for, if it says. */
export function requestedWords(text: string): number | undefined {
  const range = /(\d{2,5})\s*(?:-|–|to)\s*(\d{2,5})\s*words/i.exec(text);
  if (range) return Math.round((Number(range[1]) + Number(range[2])) / 2);
  const single = /(\d{2,5})\s*words/i.exec(text);
  return single ? Number(single[1]) : undefined;
}
export function slugify(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
