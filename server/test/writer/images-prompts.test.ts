import { describe, expect, it } from 'vitest';
import { cleanAltText, completePrompts, imageTitle, summaryOf } from '../../src/modules/writer/images.ts';

/** The pure parts of image generation: alt text rules, exactly N prompts, titles, and the summary sent to the AI. */
describe('alt text', () => {
  it('is never empty: the article title stands in, and whitespace does not count', () => {
    expect(cleanAltText('  A runner on a ridge  ', 'Title')).toBe('A runner on a ridge');
    expect(cleanAltText('   ', 'Trail shoes')).toBe('Trail shoes');
    expect(cleanAltText(undefined, 'Trail shoes')).toBe('Trail shoes');
    expect(cleanAltText('', '')).toBe('Illustration');
  });

  it('is cut to 250 characters, at a word when one ends late enough', () => {
    const long = `${'word '.repeat(80)}end`;
    const cut = cleanAltText(long, 'Title');
    expect(cut.length).toBeLessThanOrEqual(250);
    expect(cut.endsWith('word')).toBe(true);
    const solid = 'x'.repeat(400);
    expect(cleanAltText(solid, 'Title')).toBe('x'.repeat(250));
  });
});

describe('prompts for featured plus N in-article images', () => {
  const article = { title: 'Trail shoes', headings: ['Fit first', 'Grip', 'Protection'] };
  const model = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ prompt: `A picture number ${i} of trail shoes`, altText: `Alt ${i}` }));

  it('takes the first as featured and the rest in-article, cut to the count asked for', () => {
    const out = completePrompts(model(5), 3, article);
    expect(out.map((o) => o.role)).toEqual(['featured', 'inline', 'inline']);
    expect(out.map((o) => o.altText)).toEqual(['Alt 0', 'Alt 1', 'Alt 2']);
  });

  it('draws missing in-article prompts from the section headings, in reading order', () => {
    const out = completePrompts(model(1), 4, article);
    expect(out).toHaveLength(4);
    expect(out.map((o) => o.role)).toEqual(['featured', 'inline', 'inline', 'inline']);
    expect(out.slice(1).map((o) => o.prompt)).toEqual([
      'An illustration of Fit first, from the article "Trail shoes"',
      'An illustration of Grip, from the article "Trail shoes"',
      'An illustration of Protection, from the article "Trail shoes"',
    ]);
    expect(out.slice(1).map((o) => o.altText)).toEqual([
      'Fit first: illustration',
      'Grip: illustration',
      'Protection: illustration',
    ]);
    const bare = completePrompts([], 2, { title: 'Trail shoes', headings: [] });
    expect(bare.map((o) => [o.role, o.prompt, o.altText])).toEqual([
      ['featured', 'An illustration of the article "Trail shoes"', 'Trail shoes'],
      ['inline', 'An illustration of the article "Trail shoes"', 'Trail shoes'],
    ]);
  });

  it('fills empty alt text from the title', () => {
    expect(completePrompts([{ prompt: 'A shoe on a rock', altText: ' ' }], 1, article)[0]!.altText).toBe('Trail shoes');
  });
});

describe('titles and summaries', () => {
  it('titles the featured image after the article and numbers in-article ones, within 200 characters', () => {
    expect(imageTitle('Trail shoes', 0)).toBe('Trail shoes');
    expect(imageTitle('Trail shoes', 2)).toBe('Trail shoes - image 2');
    expect(imageTitle('t'.repeat(300), 3)).toHaveLength(200);
  });

  it('summarises a version as plain text: excerpt, headings, paragraphs, without tags or entities', () => {
    const summary = summaryOf({
      excerpt: 'Fit and grip decide.',
      sections: [{ heading: 'Fit', html: '<p>Hold the <strong>heel</strong> &amp; free the toes.</p>' }],
    });
    expect(summary).toBe('Fit and grip decide. Fit. Hold the heel & free the toes.');
    const long = summaryOf({ excerpt: 'word '.repeat(1000), sections: [] });
    expect(long.length).toBeLessThanOrEqual(1503);
    expect(long.endsWith('word...')).toBe(true);
  });
});
