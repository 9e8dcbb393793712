import { describe, expect, it } from 'vitest';
import { articleToBlocks } from '../../../src/modules/writer/content/blocks.ts';
import {
  deriveSeo,
  excerptOf,
  faqBlocks,
  faqJsonLd,
  makeSlug,
  metaDescription,
  seoTitle,
  trimAtWord,
  uniqueSlug,
} from '../../../src/modules/writer/content/seo.ts';
import { blocksOf, problemsIn } from './helpers.ts';

describe('seoTitle and metaDescription', () => {
  it('keeps a title that fits (whitespace collapsed)', () => {
    expect(seoTitle('  Best   running shoes for flat feet ')).toBe('Best running shoes for flat feet');
  });

  it('cuts a long title at a word boundary within 60 characters, without trailing punctuation', () => {
    const long = 'The Complete Beginner’s Guide to Running Shoes: How to Choose, Fit, and Care for Them';
    const t = seoTitle(long);
    expect([...t].length).toBeLessThanOrEqual(60);
    expect(t).toBe('The Complete Beginner’s Guide to Running Shoes: How to');
    expect(seoTitle('Running shoes compared, tested and ranked by our editors: part one, two')).toBe(
      'Running shoes compared, tested and ranked by our editors',
    );
    expect(trimAtWord('Alpha beta — gamma delta', 12)).toBe('Alpha beta');
  });

  it('cuts a single overlong word hard and counts code points, not UTF-16 units', () => {
    expect(trimAtWord('x'.repeat(80), 60)).toHaveLength(60);
    const emoji = '🏃'.repeat(70);
    expect([...seoTitle(emoji)].length).toBe(60);
  });

  it('limits the meta description to 160 characters at a word boundary and strips markup', () => {
    const text = `<p>${'Learn how to pick running shoes that fit your stride, your feet and your favourite routes. '.repeat(3)}</p>`;
    const d = metaDescription(text);
    expect([...d].length).toBeLessThanOrEqual(160);
    expect(d.startsWith('Learn how to pick running shoes')).toBe(true);
    expect(d).not.toMatch(/[\s\p{P}]$/u);
    expect(d).not.toContain('<');
  });
});

describe('slugs', () => {
  it('lowercases and folds to ASCII where possible', () => {
    expect(makeSlug('Déjà Vu: Über Größe & Maß!')).toBe('deja-vu-ueber-groesse-mass');
    expect(makeSlug('Привет мир')).toBe('privet-mir');
    expect(makeSlug("Don't stop — the 10 best")).toBe('dont-stop-the-10-best');
    expect(makeSlug('Søren Ærø Straße')).toBe('soren-aero-strasse');
  });

  it('keeps Chinese/Japanese/Korean letters that cannot be folded', () => {
    expect(makeSlug('中文 标题 Test')).toBe('中文-标题-test');
    expect(makeSlug('서울 여행')).toBe('서울-여행');
  });

  it('stays within 75 characters, cut at a dash', () => {
    const slug = makeSlug('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(75);
    expect(slug.endsWith('-')).toBe(false);
    expect(slug.endsWith('word')).toBe(true);
  });

  it('finds the first free slug the WordPress way', () => {
    expect(uniqueSlug('running-shoes', new Set())).toBe('running-shoes');
    expect(uniqueSlug('running-shoes', new Set(['running-shoes', 'running-shoes-2']))).toBe('running-shoes-3');
    expect(uniqueSlug('a'.repeat(75), new Set(['a'.repeat(75)]))).toBe(`${'a'.repeat(73)}-2`);
    expect(uniqueSlug('', () => false)).toBe('post');
  });
});

describe('excerptOf', () => {
  it('takes the first non-empty paragraph of the article, 55 words at most', () => {
    const long = Array.from({ length: 70 }, (_, i) => `w${i}`).join(' ');
    const markup = articleToBlocks([{ heading: 'Intro', html: `<p>${long}.</p><p>Second paragraph.</p>` }]);
    const excerpt = excerptOf(markup);
    expect(excerpt.split(' ')).toHaveLength(55);
    expect(excerpt.endsWith('w54…')).toBe(true);
    expect(excerptOf('<p>Short <em>one</em>.</p><p>Other</p>')).toBe('Short one.');
    expect(excerptOf('')).toBe('');
  });
});

describe('FAQ', () => {
  const items = [
    { question: 'How often should I replace running shoes?', answer: 'Every <strong>500 to 800 km</strong>.' },
    { question: 'Are trail shoes OK on roads?', answer: '<p>Yes, but they wear faster.</p><ul><li>Lugs</li></ul>' },
    { question: '  ', answer: 'ignored' },
  ];

  it('renders a heading, questions one level down and sanitized answers as blocks', () => {
    const out = faqBlocks(items, { title: 'Frequently asked questions' });
    const blocks = blocksOf(out);
    expect(blocks.map((b) => [b.blockName, b.attrs])).toEqual([
      ['core/heading', {}],
      ['core/heading', { level: 3 }],
      ['core/paragraph', {}],
      ['core/heading', { level: 3 }],
      ['core/paragraph', {}],
      ['core/list', {}],
    ]);
    expect(out).toContain('<h3>How often should I replace running shoes?</h3>');
    expect(out).toContain('<p>Every <strong>500 to 800 km</strong>.</p>');
    expect(problemsIn(out)).toEqual([]);
    expect(faqBlocks([])).toBe('');
  });

  it('gives schema.org FAQPage data with plain-text answers', () => {
    expect(faqJsonLd(items)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'FAQPage',
      mainEntity: [
        {
          '@type': 'Question',
          name: 'How often should I replace running shoes?',
          acceptedAnswer: { '@type': 'Answer', text: 'Every 500 to 800 km.' },
        },
        {
          '@type': 'Question',
          name: 'Are trail shoes OK on roads?',
          acceptedAnswer: { '@type': 'Answer', text: 'Yes, but they wear faster. Lugs' },
        },
      ],
    });
    expect(faqJsonLd([])).toBeNull();
  });
});

describe('deriveSeo', () => {
  const content = articleToBlocks([
    { heading: 'Intro', html: '<p>Running shoes wear out. Here is how to tell, and what to buy next.</p>' },
  ]);

  it('keeps valid proposals and reports nothing', () => {
    const seo = deriveSeo({
      title: 'Running shoes',
      content,
      seoTitle: 'When to replace running shoes',
      metaDescription: 'How to tell.',
      slug: 'Replace Running Shoes',
    });
    expect(seo).toEqual({
      seoTitle: 'When to replace running shoes',
      metaDescription: 'How to tell.',
      slug: 'replace-running-shoes',
      excerpt: 'Running shoes wear out. Here is how to tell, and what to buy next.',
      notes: [],
    });
  });

  it('shortens what is too long and derives what is missing, saying so', () => {
    const seo = deriveSeo({
      title: 'When and why you should replace your running shoes, explained by a physiotherapist',
      content,
    });
    expect([...seo.seoTitle].length).toBeLessThanOrEqual(60);
    expect(seo.metaDescription).toBe('Running shoes wear out. Here is how to tell, and what to buy next.');
    expect(seo.slug).toBe('when-and-why-you-should-replace-your-running-shoes-explained-by-a');
    expect(seo.notes).toEqual([
      'SEO title shortened to 60 characters at a word boundary.',
      'Meta description derived from the first paragraph.',
    ]);
  });
});
