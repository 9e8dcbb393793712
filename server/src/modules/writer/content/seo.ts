// SEO fields of an article: title and description within search engines' display limits, slug, excerpt, FAQ.
//
// Lengths are counted in Unicode code points (what a reader sees as characters for almost all text; a JS string's
// .length would count an emoji as 2).
import slugifyLib from '@sindresorhus/slugify';
import { type Block, escapeHtml, headingBlock, htmlToBlocks, serializeBlocks } from './blocks.ts';
import { textOf } from './words.ts';

export const SEO_TITLE_MAX = 60;
export const META_DESCRIPTION_MAX = 160;
export const EXCERPT_WORDS = 55; // WordPress's wp_trim_excerpt default
export const SLUG_MAX = 75;

const cpLength = (s: string) => [...s].length;
const cpSlice = (s: string, n: number) => [...s].slice(0, n).join('');
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const TRAILING_JUNK = /[\s\p{P}\p{S}]+$/u;

/**
 * Shortens text to at most `max` code points at a word boundary, without trailing punctuation or separators
 * (a cut title never ends in "-", ":" or ","). Text that already fits is only whitespace-collapsed. A single word
 * longer than `max` is cut hard.
 */
export function trimAtWord(text: string, max: number): string {
  const clean = collapse(text);
  if (cpLength(clean) <= max) return clean;
  const hard = cpSlice(clean, max + 1); // one more: tells whether the cut falls on a space
  const lastSpace = hard.lastIndexOf(' ');
  const cut = lastSpace > 0 ? hard.slice(0, lastSpace) : cpSlice(clean, max);
  const trimmed = cut.replace(TRAILING_JUNK, '');
  return trimmed === '' ? cpSlice(clean, max) : trimmed;
}

export function seoTitle(text: string, max = SEO_TITLE_MAX): string {
  return trimAtWord(textOf(text), max);
}

export function metaDescription(text: string, max = META_DESCRIPTION_MAX): string {
  return trimAtWord(textOf(text), max);
}

/** Scripts the transliteration cannot fold to ASCII: kept as Unicode in the slug (WordPress accepts those). */
const UNFOLDABLE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

/**
 * A URL slug: lowercase, ASCII-folded where possible (ä -> ae, ß -> ss, Cyrillic and Greek transliterated) with
 * @sindresorhus/slugify; text in Chinese, Japanese, Korean or Thai keeps its letters (lowercased, joined by dashes).
 * At most `max` characters, cut at a dash.
 */
export function makeSlug(text: string, max = SLUG_MAX): string {
  const plain = collapse(textOf(text));
  let slug = '';
  if (!UNFOLDABLE.test(plain)) {
    slug = slugifyLib(plain, { decamelize: false, customReplacements: [['&', ' ']] });
  }
  if (slug === '') {
    slug = (
      plain
        .normalize('NFKC')
        .toLowerCase()
        .match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
    ).join('-');
  }
  if (cpLength(slug) > max) {
    const cut = cpSlice(slug, max + 1);
    const dash = cut.lastIndexOf('-');
    slug = dash > 0 ? cut.slice(0, dash) : cpSlice(slug, max);
  }
  return slug.replace(/^-+|-+$/g, '');
}

/**
 * The first free slug: `base`, then `base-2`, `base-3`... (WordPress's own scheme), keeping within `max`.
 * `taken` may be a set or a predicate.
 */
export function uniqueSlug(
  base: string,
  taken: ReadonlySet<string> | ((slug: string) => boolean),
  max = SLUG_MAX,
): string {
  const isTaken = typeof taken === 'function' ? taken : (s: string) => taken.has(s);
  const root = base === '' ? 'post' : base;
  if (!isTaken(root)) return root;
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const head = cpSlice(root, max - suffix.length).replace(/-+$/, '');
    const candidate = `${head}${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
}

/** WordPress-style excerpt: the first non-empty paragraph's text, at most `words` words, "…" when cut. */
export function excerptOf(markup: string, words = EXCERPT_WORDS): string {
  const paragraphs = markup.match(/<p[\s>][\s\S]*?<\/p>/gi) ?? [markup];
  for (const p of paragraphs) {
    const text = textOf(p);
    if (text === '') continue;
    const all = text.split(' ');
    return all.length <= words ? text : `${all.slice(0, words).join(' ').replace(TRAILING_JUNK, '')}…`;
  }
  return '';
}

export interface FaqItem {
  question: string;
  answer: string;
}

export interface FaqOptions {
  /** Heading above the questions; defaults to "FAQ" (pass the article's language's word). */
  title?: string;
  /** Level of the FAQ heading (questions are one level below). Default 2. */
  headingLevel?: 2 | 3;
}

/**
 * An FAQ section as blocks: a heading, then each question as a heading one level down and its answer
 * (sanitized HTML or text) as paragraphs/lists. Empty questions or answers are skipped.
 */
export function faqBlocks(items: FaqItem[], opts: FaqOptions = {}): string {
  const level = opts.headingLevel ?? 2;
  const blocks: Block[] = [];
  for (const item of items) {
    const question = collapse(textOf(item.question));
    const answer = htmlToBlocks(item.answer, { minHeading: Math.min(level + 2, 4) });
    if (question === '' || answer.length === 0) continue;
    blocks.push(headingBlock(escapeHtml(question), level + 1), ...answer);
  }
  if (blocks.length === 0) return '';
  return serializeBlocks([headingBlock(escapeHtml(collapse(opts.title ?? 'FAQ')), level), ...blocks]);
}

/**
 * schema.org FAQPage structured data for the same items (plain text answers). Not part of post_content (the
 * sanitizer strips scripts by design): the publisher hands it to the SEO plugin or prints it in the page head.
 */
export function faqJsonLd(items: FaqItem[]): Record<string, unknown> | null {
  const entities = items
    .map((i) => ({ q: collapse(textOf(i.question)), a: collapse(textOf(i.answer)) }))
    .filter((i) => i.q !== '' && i.a !== '')
    .map((i) => ({ '@type': 'Question', name: i.q, acceptedAnswer: { '@type': 'Answer', text: i.a } }));
  if (entities.length === 0) return null;
  return { '@context': 'https://schema.org', '@type': 'FAQPage', mainEntity: entities };
}

export interface SeoInput {
  title: string;
  /** Article markup (blocks or HTML): source of the excerpt and the fallback description. */
  content: string;
  seoTitle?: string | null;
  metaDescription?: string | null;
  slug?: string | null;
  excerpt?: string | null;
}

export interface SeoFields {
  seoTitle: string;
  metaDescription: string;
  slug: string;
  excerpt: string;
  /** What was changed and why, in the product's words (shown in review). */
  notes: string[];
}

/** Validates what the model proposed and derives what is missing, so every field is within its limit. */
export function deriveSeo(input: SeoInput): SeoFields {
  const notes: string[] = [];
  const proposedTitle = collapse(textOf(input.seoTitle ?? ''));
  const titleSource = proposedTitle || collapse(textOf(input.title));
  const title = seoTitle(titleSource);
  if (title !== titleSource) notes.push(`SEO title shortened to ${SEO_TITLE_MAX} characters at a word boundary.`);

  const excerpt = input.excerpt ? trimAtWord(textOf(input.excerpt), 400) : excerptOf(input.content);
  const proposedDescription = collapse(textOf(input.metaDescription ?? ''));
  const descriptionSource = proposedDescription || excerpt;
  if (!proposedDescription) notes.push('Meta description derived from the first paragraph.');
  const description = metaDescription(descriptionSource);
  if (proposedDescription && description !== proposedDescription) {
    notes.push(`Meta description shortened to ${META_DESCRIPTION_MAX} characters at a word boundary.`);
  }

  const slug = makeSlug(input.slug?.trim() ? input.slug : titleSource || input.title);
  return { seoTitle: title, metaDescription: description, slug, excerpt, notes };
}
