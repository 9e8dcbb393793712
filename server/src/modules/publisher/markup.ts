// What goes into the WordPress post: block markup built at publish time from the approved version's sections, its
// FAQ and the images uploaded to the site, plus plain-text title and excerpt.
//
// Defense in depth: the sections were sanitized when they were written, and are sanitized again here
// (sanitizeFragment) before being turned into blocks by the writer's block builder, which re-serializes everything
// from its own allowlist. WordPress's own filtering (kses: the publishing user has no unfiltered_html) runs last.
import { z } from 'zod';
import {
  imageBlock,
  paragraphBlock,
  sanitizeFragment,
  sectionToBlocks,
  serializeBlock,
} from '../writer/content/blocks.ts';
import { faqBlocks } from '../writer/content/seo.ts';

export const ZSections = z.array(
  z.object({ level: z.enum(['h2', 'h3']).catch('h2'), heading: z.string().catch(''), html: z.string().catch('') }),
);
export const ZFaq = z.array(z.object({ question: z.string().catch(''), answer: z.string().catch('') })).catch([]);

export type Section = z.infer<typeof ZSections>[number];
export type FaqItem = z.infer<typeof ZFaq>[number];

export interface UploadedImage {
  /** WordPress attachment id. */
  id: number;
  /** The attachment's URL on the site. */
  url: string;
  alt: string;
}

/**
 * After which section (0-based) each of `images` in-article images goes among `sections` sections, spread evenly:
 * with fewer images than sections, image k goes after section round((k + 1) * s / (n + 1)) - 1 (never after the
 * last section, never two in a row); with as many or more, each section gets its share (k + 0.5) * s / n.
 */
export function imageSlots(sections: number, images: number): number[] {
  const last = Math.max(sections - 1, 0);
  return Array.from({ length: images }, (_, k) => {
    const slot =
      images < sections
        ? Math.round(((k + 1) * sections) / (images + 1)) - 1
        : Math.floor(((k + 0.5) * sections) / images);
    return Math.min(Math.max(slot, 0), last);
  });
}

/** Opens every post whose text the demo endpoint made (AI_DEMO_BASE_URL), so no reader takes it for writing. */
export const DEMO_NOTICE = 'Demo article: written by the IGNY8 demo AI. This is filler text, not advice.';

/**
 * The article as WordPress 6.1 block markup: sections in order, in-article images spread between them, the FAQ;
 * a demo article starts with DEMO_NOTICE.
 */
export function postMarkup(input: {
  sections: Section[];
  faq: FaqItem[];
  images: UploadedImage[];
  faqTitle?: string;
  demo?: boolean;
}): string {
  const slots = imageSlots(input.sections.length, input.images.length);
  const parts: string[] = input.demo ? [serializeBlock(paragraphBlock(`<em>${DEMO_NOTICE}</em>`))] : [];
  input.sections.forEach((section, i) => {
    const markup = sectionToBlocks(
      { heading: section.heading, html: sanitizeFragment(section.html) },
      { headingLevel: section.level === 'h3' ? 3 : 2 },
    );
    if (markup) parts.push(markup);
    input.images.forEach((image, k) => {
      if (slots[k] === i) parts.push(imageBlock(image));
    });
  });
  if (input.sections.length === 0) for (const image of input.images) parts.push(imageBlock(image));
  const faq = faqBlocks(
    input.faq.map((f) => ({ question: f.question, answer: sanitizeFragment(f.answer) })),
    input.faqTitle ? { title: input.faqTitle } : {},
  );
  if (faq) parts.push(faq);
  return parts.join('\n\n');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Plain text for WordPress's title and excerpt: markup removed (tags, comments, anything after a stray `<`),
 * entities decoded, whitespace collapsed. WordPress escapes these fields when it prints them.
 */
export function plainText(text: string, max = 1000): string {
  const withoutMarkup = sanitizeFragment(text)
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return withoutMarkup.length > max ? withoutMarkup.slice(0, max).trimEnd() : withoutMarkup;
}
