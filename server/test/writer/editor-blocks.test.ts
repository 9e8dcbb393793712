import { describe, expect, it } from 'vitest';
import { readBlock, rewrittenMarkup } from '../../src/modules/writer/editor-blocks.ts';
import { VECTORS } from '../fixtures/writer/xss.ts';
import { blocksOf, problemsIn } from './content/helpers.ts';

const corpus = VECTORS.map(([, v]) => v).join('\n');

describe('reading a block', () => {
  it('reads a heading level, a list kind and a quote citation from saved HTML (delimiters too)', () => {
    expect(readBlock('core/heading', '<h3 class="wp-block-heading">Grip on rock</h3>')).toMatchObject({
      level: 3,
      label: 'heading (H3)',
      words: 3,
    });
    expect(readBlock('core/heading', '<!-- wp:heading {"level":5} --><h5>Small</h5><!-- /wp:heading -->').level).toBe(
      5,
    );
    expect(readBlock('core/heading', 'Plain').level).toBe(2);
    expect(readBlock('core/list', '<ol><li>One</li><li>Two</li></ol>')).toMatchObject({
      ordered: true,
      label: 'numbered list',
    });
    expect(readBlock('core/list', '<ul><li>One</li></ul>').ordered).toBe(false);
    const quote = readBlock(
      'core/quote',
      '<blockquote class="wp-block-quote"><p>Run light.</p><cite>A <em>coach</em><script>x()</script></cite></blockquote>',
    );
    expect(quote.citation).toBe('A <em>coach</em>');
    expect(quote.html).toBe('<blockquote><p>Run light.</p></blockquote>');
    expect(readBlock('core/paragraph', '<p onclick="x()">Hi <img src=x onerror=alert(1)>there</p>').html).toBe(
      '<p>Hi there</p>',
    );
  });
});

describe('the rewritten block', () => {
  const info = (name: Parameters<typeof readBlock>[0], html: string) => readBlock(name, html);

  it('is one paragraph, whatever blocks the answer had', () => {
    const markup = rewrittenMarkup(info('core/paragraph', '<p>x</p>'), {
      heading: 'ignored',
      html: '<h2>Title</h2><p>First <strong>part</strong>.</p><ul><li>item</li></ul>',
    });
    expect(markup).toBe(
      '<!-- wp:paragraph -->\n<p>Title First <strong>part</strong>. item</p>\n<!-- /wp:paragraph -->',
    );
  });

  it('keeps the heading level, from the heading field (else the html)', () => {
    const h3 = info('core/heading', '<h3>Old</h3>');
    expect(rewrittenMarkup(h3, { heading: 'New & better', html: '<p>x</p>' })).toBe(
      '<!-- wp:heading {"level":3} -->\n<h3>New &amp; better</h3>\n<!-- /wp:heading -->',
    );
    expect(rewrittenMarkup(info('core/heading', '<h2>Old</h2>'), { heading: ' ', html: '<h4>From html</h4>' })).toBe(
      '<!-- wp:heading -->\n<h2>From html</h2>\n<!-- /wp:heading -->',
    );
  });

  it('keeps a list ordered or not; paragraphs become items', () => {
    expect(
      rewrittenMarkup(info('core/list', '<ol><li>a</li></ol>'), { heading: '', html: '<ul><li>x</li><li>y</li></ul>' }),
    ).toBe(
      '<!-- wp:list {"ordered":true} -->\n<ol><!-- wp:list-item -->\n<li>x</li>\n<!-- /wp:list-item -->\n\n' +
        '<!-- wp:list-item -->\n<li>y</li>\n<!-- /wp:list-item --></ol>\n<!-- /wp:list -->',
    );
    const fromParagraphs = rewrittenMarkup(info('core/list', '<ul><li>a</li></ul>'), {
      heading: '',
      html: '<p>one</p><p>two</p>',
    });
    expect(blocksOf(fromParagraphs!)[0]!.innerBlocks.map((b) => b.innerHTML.trim())).toEqual([
      '<li>one</li>',
      '<li>two</li>',
    ]);
  });

  it('keeps a quote citation', () => {
    const quote = info('core/quote', '<blockquote><p>a</p><cite>Ann</cite></blockquote>');
    expect(rewrittenMarkup(quote, { heading: '', html: '<blockquote><p>Better.</p></blockquote>' })).toBe(
      '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n<p>Better.</p>\n' +
        '<!-- /wp:paragraph --><cite>Ann</cite></blockquote>\n<!-- /wp:quote -->',
    );
  });

  it('lets no XSS vector through, for every block type', () => {
    for (const [name, html] of [
      ['core/paragraph', '<p>a</p>'],
      ['core/heading', '<h2>a</h2>'],
      ['core/list', '<ul><li>a</li></ul>'],
      ['core/quote', '<blockquote><p>a</p></blockquote>'],
    ] as const) {
      const markup = rewrittenMarkup(info(name, html), {
        heading: `Safe${corpus}`,
        html: `<p>Safe text.</p>${corpus}`,
      });
      expect(markup, name).not.toBeNull();
      expect(problemsIn(markup!), name).toEqual([]);
      expect(markup).not.toMatch(/<script|<iframe|<object|<embed|<svg|<style|<form|javascript:|vbscript:|\son\w+=/i);
      expect(blocksOf(markup!)).toHaveLength(1);
    }
  });

  it('is null when the answer has no text', () => {
    for (const name of ['core/paragraph', 'core/heading', 'core/list', 'core/quote'] as const) {
      expect(rewrittenMarkup(info(name, '<p>a</p>'), { heading: '', html: '<p> </p><script>x</script>' }), name).toBe(
        null,
      );
    }
  });
});
