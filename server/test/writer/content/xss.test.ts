// An XSS corpus planted in the AI's section HTML: whatever the vector, the block markup that comes out, parsed
// by WordPress's block parser and by a browser-grade HTML parser (parse5), holds nothing executable.
import { parseFragment, type DefaultTreeAdapterTypes as T } from 'parse5';
import { describe, expect, it } from 'vitest';
import { articleToBlocks, sanitizeFragment, sectionToBlocks } from '../../../src/modules/writer/content/blocks.ts';
import { faqBlocks } from '../../../src/modules/writer/content/seo.ts';
import { VECTORS } from '../../fixtures/writer/xss.ts';
import { problemsIn } from './helpers.ts';

/** Every value of every attribute anywhere in the markup, as a browser would read them. */
function attributesOf(markup: string): T.Element['attrs'] {
  const out: T.Element['attrs'] = [];
  const walk = (nodes: T.ChildNode[]) => {
    for (const n of nodes) {
      if ('tagName' in n) {
        out.push(...n.attrs);
        walk(n.childNodes);
      }
    }
  };
  walk(parseFragment(markup).childNodes);
  return out;
}

describe('XSS corpus planted in the AI output', () => {
  it('has at least 40 vectors', () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(40);
  });

  it('the checker itself flags the raw vectors (so a pass means the pipeline removed them)', () => {
    // Text-only vectors, and <body> whose attributes a fragment parser discards (a full page would not).
    const harmlessAsRaw = new Set([
      'comment-looking text',
      'shortcode-like text stays text',
      'body onload',
      'tag cut at the end',
      'unclosed attribute',
    ]);
    const unflagged: string[] = [];
    for (const [name, vector] of VECTORS) {
      if (harmlessAsRaw.has(name)) continue;
      if (problemsIn(vector, { fragment: true }).length === 0) unflagged.push(name);
    }
    expect(unflagged).toEqual([]);
  });

  it.each(VECTORS)('%s: nothing executable survives', (_name, vector) => {
    const out = sectionToBlocks({ heading: 'Heading', html: `<p>before</p>${vector}<p>after</p>` });
    expect(problemsIn(out)).toEqual([]);
    for (const a of attributesOf(out)) {
      expect(a.name).not.toMatch(/^on/i);
      // eslint-disable-next-line no-control-regex
      expect(a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase()).not.toMatch(/^(javascript|vbscript|data):/);
    }
    // The content before the vector is still there (an unclosed vector may swallow what follows it, harmlessly).
    expect(out).toContain('<p>before</p>');
    // The sanitized fragment alone also passes (it is what callers store as the section's cleaned HTML).
    expect(problemsIn(sanitizeFragment(vector), { fragment: true })).toEqual([]);
  });

  it('keeps the visible text of a planted wp:html comment out (comments never become delimiters)', () => {
    const out = sectionToBlocks({ heading: 'H', html: '<!-- wp:html --><p>raw</p><!-- /wp:html -->' });
    expect(out).toBe(
      '<!-- wp:heading -->\n<h2>H</h2>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>raw</p>\n<!-- /wp:paragraph -->',
    );
  });

  it('keeps escaped markup as text (visible, never parsed)', () => {
    const out = sectionToBlocks({ heading: 'H', html: '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>' });
    expect(out).toContain('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('applies to headings, FAQ answers and the whole article too', () => {
    const all = VECTORS.map(([, v]) => v).join('');
    expect(problemsIn(sectionToBlocks({ heading: all, html: all }))).toEqual([]);
    expect(problemsIn(articleToBlocks([{ heading: all, html: all }]))).toEqual([]);
    expect(problemsIn(faqBlocks([{ question: all, answer: all }]))).toEqual([]);
  });
});
