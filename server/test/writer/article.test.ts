import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildVersion,
  CATCH_UP,
  faqWords,
  languageName,
  parseFaq,
  plannedSectionWords,
  sectionWeights,
  sectionWordsFor,
  SECTION_WORDS_MAX,
  SECTION_WORDS_MIN,
  type OutlineItem,
} from '../../src/modules/writer/article.ts';
import { VECTORS } from '../fixtures/writer/xss.ts';
import { problemsIn } from './content/helpers.ts';
import { countTextWords, lengthWithin } from '../../src/modules/writer/content/words.ts';

const outline = (n: number, h3Every = 0): OutlineItem[] =>
  Array.from({ length: n }, (_, i) => ({
    level: h3Every && i % h3Every === h3Every - 1 ? 'h3' : 'h2',
    heading: `Section heading ${i + 1}`,
  }));

/**
 * Writes an article the way the job does: each section asked for sectionWordsFor(...) words, a "model" that answers
 * with `skew(i)` times what it was asked, the heading's words counted too. Returns the article's words.
 */
function simulate(items: OutlineItem[], target: number, includeFaq: boolean, skew: (i: number) => number) {
  let written = 0;
  for (let i = 0; i < items.length; i++) {
    const asked = sectionWordsFor(items, target, includeFaq, i, written);
    expect(asked).toBeGreaterThanOrEqual(SECTION_WORDS_MIN);
    expect(asked).toBeLessThanOrEqual(
      Math.max(SECTION_WORDS_MIN, plannedSectionWords(items, target, includeFaq)[i]! * CATCH_UP),
    );
    written += Math.round(asked * skew(i)) + countTextWords(items[i]!.heading);
  }
  if (includeFaq) {
    const planned = faqWords(target, true);
    written += Math.round(Math.max(SECTION_WORDS_MIN, Math.min(planned * CATCH_UP, target - written)));
  }
  return written;
}

describe('word allotment', () => {
  it('weights H2 over H3 and keeps an introduction and a conclusion short', () => {
    const weights = sectionWeights([
      { level: 'h2', heading: 'Introduction' },
      { level: 'h2', heading: 'Fit' },
      { level: 'h3', heading: 'Toe box' },
      { level: 'h2', heading: 'Conclusion' },
    ]);
    expect(weights).toEqual([0.5, 1, 0.7, 0.5]);
    // "Introduction" in the middle is an ordinary section.
    expect(
      sectionWeights([
        { level: 'h2', heading: 'Fit' },
        { level: 'h2', heading: 'Introduction to grip' },
        { level: 'h2', heading: 'End' },
      ]),
    ).toEqual([1, 1, 1]);
  });

  it('plans sections that add up to the target (headings and FAQ included) within the function bounds', () => {
    for (const [n, target] of [
      [3, 800],
      [8, 3000],
      [12, 6000],
      [2, 300],
    ] as const) {
      const items = outline(n, 3);
      const planned = plannedSectionWords(items, target, false);
      const headings = items.reduce((sum, o) => sum + countTextWords(o.heading), 0);
      expect(lengthWithin(planned.reduce((a, b) => a + b, 0) + headings, target, 0.05)).toBe(true);
      for (const p of planned) expect(p).toBeLessThanOrEqual(SECTION_WORDS_MAX);
    }
    expect(faqWords(3000, true)).toBe(300);
    expect(faqWords(800, true)).toBe(120);
    expect(faqWords(6000, true)).toBe(400);
    expect(faqWords(6000, false)).toBe(0);
  });

  it('a model that answers exactly lands on the target', () => {
    expect(
      lengthWithin(
        simulate(outline(8), 3000, false, () => 1),
        3000,
        0.02,
      ),
    ).toBe(true);
    expect(
      lengthWithin(
        simulate(outline(4), 800, true, () => 1),
        800,
        0.03,
      ),
    ).toBe(true);
  });

  it('later sections make up for early ones that ran long or short: within 15% for 800..4,000 words', () => {
    // A model whose sections come out anywhere between 25% short and 25% long.
    fc.assert(
      fc.property(
        fc.integer({ min: 800, max: 4000 }),
        fc.integer({ min: 3, max: 12 }),
        fc.boolean(),
        fc.array(fc.double({ min: 0.75, max: 1.25, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (target, n, faq, skews) => {
          // Sections of at least ~100 words: very short ones are clamped to the function's minimum.
          const items = outline(Math.min(n, Math.floor(target / 100)), 4);
          const words = simulate(items, target, faq, (i) => skews[i]!);
          return lengthWithin(words, target, 0.15);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a first section that runs 50% long is made up for by the rest', () => {
    const items = outline(6);
    const words = simulate(items, 3000, false, (i) => (i === 0 ? 1.5 : 1));
    expect(lengthWithin(words, 3000, 0.05)).toBe(true);
  });
});

describe('FAQ and versions', () => {
  it('reads questions from headings (or bold questions) and their answers', () => {
    const faq = parseFaq(
      '<h3>Do they run small?</h3><p>Often half a size.</p><ul><li>Try them on</li></ul>' +
        '<p><strong>Are they waterproof?</strong></p><p>Some are.</p><h3>Empty one</h3>',
    );
    expect(faq).toEqual([
      { question: 'Do they run small?', answer: '<p>Often half a size.</p><ul><li>Try them on</li></ul>' },
      { question: 'Are they waterproof?', answer: '<p>Some are.</p>' },
    ]);
    expect(parseFaq('<p>No questions here.</p>')).toEqual([]);
  });

  it('keeps the XSS corpus out of FAQ answers, sections and the body', () => {
    const corpus = VECTORS.map(([, v]) => v).join('');
    const faq = parseFaq(`<h3>Question one?</h3><p>Answer.</p>${corpus}<h3>Question two?</h3>${corpus}<p>B.</p>`);
    const version = buildVersion({
      title: 'Trail <script>alert(1)</script>shoes <img src=x onerror=alert(2)>',
      sections: [{ level: 'h2', heading: 'Fit <b onclick="x()">now</b>', html: `<p>Fit first.</p>${corpus}` }],
      faq,
      language: 'en',
    });
    expect(problemsIn(version.body)).toEqual([]);
    for (const markup of [...version.sections.map((s) => s.html), ...version.faq.map((f) => f.answer)]) {
      expect(problemsIn(markup, { fragment: true })).toEqual([]);
    }
    expect(version.body).toContain('<h3>Question one?</h3>');
    expect(version.title).toBe('Trail shoes');
    expect(version.sections[0]!.heading).toBe('Fit now');
  });

  it('builds a version: body of H2/H3 sections then the FAQ, word count, SEO fields within limits', () => {
    const version = buildVersion({
      title: 'How to choose trail running shoes for wet and rocky mountain paths in every season',
      sections: [
        { level: 'h2', heading: 'Fit', html: '<p>Fit first, then grip.</p>' },
        { level: 'h3', heading: 'Toe box', html: '<p>Room for your toes.</p>' },
      ],
      faq: [{ question: 'Do they run small?', answer: 'Often half a size.' }],
      language: 'en',
    });
    expect(version.body).toMatch(
      /<h2>Fit<\/h2>[^]*<!-- wp:heading \{"level":3\} -->\n<h3>Toe box<\/h3>[^]*<h2>FAQ<\/h2>/,
    );
    // Fit, its text, Toe box, its text, FAQ, the question, the answer.
    expect(version.wordCount).toBe(1 + 4 + 2 + 4 + 1 + 4 + 4);
    expect(version.seoTitle.length).toBeLessThanOrEqual(60);
    expect(version.metaDescription).toBe('Fit first, then grip.');
    expect(version.slug).toMatch(/^how-to-choose-trail-running-shoes/);
    // Too short to tell the language: not a mismatch.
    expect(version.detectedLanguage).toBeNull();
    expect(version.languageMatches).toBe(true);
    expect(languageName('de')).toBe('German (de)');
    expect(languageName('pt-BR')).toBe('Portuguese (pt)');
  });
});
