// The writer's arithmetic and assembly, free of I/O: how many words each section is asked for, how a version's body,
// word count, SEO fields and language check are derived from its sections, and how an FAQ answer is read.
import { parseFragment, serializeOuter, type DefaultTreeAdapterTypes as T } from 'parse5';
import { escapeHtml, sanitizeFragment, sectionToBlocks } from './content/blocks.ts';
import { checkLanguage, primarySubtag } from './content/language.ts';
import { deriveSeo, faqBlocks, type FaqItem } from './content/seo.ts';
import { countTextWords, countWords, textOf } from './content/words.ts';

export interface OutlineItem {
  level: 'h2' | 'h3';
  heading: string;
}

export interface StoredSection extends OutlineItem {
  /** Sanitized HTML of the section body. */
  html: string;
}

/** The fewest and most words one section may be asked for (the AI function's own bounds). */
export const SECTION_WORDS_MIN = 50;
export const SECTION_WORDS_MAX = 3000;
/** A section may be asked for at most this much more than planned (late sections catching up): the hold covers it. */
export const CATCH_UP = 1.3;

/** The section the FAQ is written as (the model is asked for headed questions, each followed by its answer). */
export const FAQ_SECTION = 'Frequently asked questions: each question as an <h3> heading, its answer below it';

/** The words of generate_content's outline input: the headings in order. */
export const outlineStrings = (outline: OutlineItem[]) => outline.map((o) => o.heading.slice(0, 200));

/** Headings an AI-written outline may have for a target length (the hold is sized for that many). */
export function outlineSectionsFor(target: number): number {
  return Math.min(12, Math.max(3, Math.round(target / 350)));
}

const INTRO = /^(intro|introduction|overview|einleitung|einführung|introducción|introduzione|inleiding)\b/i;
const OUTRO =
  /^(conclusion|summary|final thoughts|wrap[- ]up|fazit|zusammenfassung|conclusión|conclusione|conclusie)\b/i;

/**
 * Relative weight of each section: H2 sections carry the article, H3 sub-sections get less, and an introduction or a
 * conclusion (recognised by its heading) is kept short.
 */
export function sectionWeights(outline: OutlineItem[]): number[] {
  return outline.map((item, i) => {
    const edge = (i === 0 && INTRO.test(item.heading)) || (i === outline.length - 1 && OUTRO.test(item.heading));
    if (edge) return 0.5;
    return item.level === 'h3' ? 0.7 : 1;
  });
}

/** Words the FAQ is given out of the target (0 without one): about a tenth, between 120 and 400. */
export function faqWords(target: number, includeFaq: boolean): number {
  return includeFaq ? Math.round(Math.min(400, Math.max(120, target * 0.1))) : 0;
}

/** The planned words of every section before anything is written (what the credit hold is based on). */
export function plannedSectionWords(outline: OutlineItem[], target: number, includeFaq: boolean): number[] {
  const weights = sectionWeights(outline);
  const total = weights.reduce((a, b) => a + b, 0);
  const body = Math.max(0, target - faqWords(target, includeFaq));
  return weights.map((w, i) => clampSection(Math.round((body * w) / total) - headingWords(outline, i)));
}

function headingWords(outline: OutlineItem[], i: number): number {
  return countTextWords(outline[i]?.heading ?? '');
}

function clampSection(words: number): number {
  return Math.min(SECTION_WORDS_MAX, Math.max(SECTION_WORDS_MIN, Math.round(words)));
}

/**
 * Words to ask section `index` for, steered by what the sections before it really came to (`written`, headings
 * included): the remaining budget is shared among the remaining sections by weight, so an early section that ran
 * long or short is made up for and the whole lands near the target. Never more than CATCH_UP times the plan.
 */
export function sectionWordsFor(
  outline: OutlineItem[],
  target: number,
  includeFaq: boolean,
  index: number,
  written: number,
): number {
  const weights = sectionWeights(outline);
  const planned = plannedSectionWords(outline, target, includeFaq);
  const remainingWeight = weights.slice(index).reduce((a, b) => a + b, 0);
  const budget = target - faqWords(target, includeFaq) - written;
  const share = (budget * weights[index]!) / remainingWeight - headingWords(outline, index);
  return clampSection(Math.min(share, Math.floor(planned[index]! * CATCH_UP)));
}

/** Serialized blocks of the whole article: each section at its own heading level, then the FAQ. */
export function articleBody(sections: StoredSection[], faq: FaqItem[]): string {
  const parts = sections.map((s) => sectionToBlocks(s, { headingLevel: s.level === 'h3' ? 3 : 2 }));
  const faqMarkup = faqBlocks(faq);
  if (faqMarkup) parts.push(faqMarkup);
  return parts.filter((p) => p !== '').join('\n\n');
}

export interface VersionFields {
  title: string;
  seoTitle: string;
  metaDescription: string;
  slug: string;
  excerpt: string;
  sections: StoredSection[];
  faq: FaqItem[];
  body: string;
  wordCount: number;
  detectedLanguage: string | null;
  languageMatches: boolean;
  /** What was derived or shortened, for the version's note. */
  notes: string[];
}

/**
 * A complete version from its sections and FAQ: the body, word count, language check against `language`, and SEO
 * fields (given ones kept when within their limits, the rest derived).
 */
export function buildVersion(input: {
  title: string;
  sections: StoredSection[];
  faq: FaqItem[];
  language: string;
  seo?: { seoTitle?: string | null; metaDescription?: string | null; slug?: string | null; excerpt?: string | null };
}): VersionFields {
  // Titles, headings and questions are plain text wherever they come from (task, model or editor).
  const title = textOf(input.title);
  const sections = input.sections.map((s) => ({ ...s, heading: textOf(s.heading), html: sanitizeFragment(s.html) }));
  const faq = input.faq.map((f) => ({ question: textOf(f.question), answer: sanitizeFragment(f.answer) }));
  const body = articleBody(sections, faq);
  const seo = deriveSeo({ title, content: body, ...input.seo });
  const language = checkLanguage(body, input.language);
  return {
    title,
    seoTitle: seo.seoTitle,
    metaDescription: seo.metaDescription,
    slug: seo.slug,
    excerpt: seo.excerpt,
    sections,
    faq,
    body,
    wordCount: countWords(body),
    detectedLanguage: language.detected,
    // Unknown (too short to tell) is not a mismatch.
    languageMatches: language.matches !== false,
    notes: seo.notes,
  };
}

/** A language tag in English words for messages ("German (de)"), falling back to the tag. */
export function languageName(tag: string): string {
  const code = primarySubtag(tag);
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

const QUESTION_TAGS = new Set(['h2', 'h3', 'h4', 'h5', 'h6']);

/**
 * Questions and answers from FAQ HTML written as headings each followed by its answer. A paragraph that is entirely
 * bold and ends with "?" counts as a question too. Answers are sanitized HTML.
 */
export function parseFaq(html: string): FaqItem[] {
  const fragment = parseFragment(sanitizeFragment(html));
  const items: { question: string; answer: string[] }[] = [];
  for (const node of fragment.childNodes) {
    if (!('tagName' in node)) {
      const text = node.nodeName === '#text' ? (node as T.TextNode).value.trim() : '';
      if (text && items.length) items.at(-1)!.answer.push(`<p>${escapeHtml(text)}</p>`);
      continue;
    }
    const element = node as T.Element;
    const outer = serializeOuter(element);
    const text = textOf(outer);
    const boldQuestion =
      element.tagName === 'p' &&
      element.childNodes.length === 1 &&
      'tagName' in element.childNodes[0]! &&
      ['strong', 'b'].includes((element.childNodes[0] as T.Element).tagName) &&
      text.endsWith('?');
    if (QUESTION_TAGS.has(element.tagName) || boldQuestion) {
      if (text) items.push({ question: text, answer: [] });
    } else if (items.length) {
      items.at(-1)!.answer.push(outer);
    }
  }
  return items
    .map((i) => ({ question: i.question, answer: i.answer.join('') }))
    .filter((i) => i.answer.trim() !== '' && textOf(i.answer) !== '');
}
