import { describe, expect, it } from 'vitest';
import {
  articleToBlocks,
  imageBlock,
  sanitizeFragment,
  sectionToBlocks,
  serializeAttributes,
} from '../../../src/modules/writer/content/blocks.ts';
import { allBlocks, blocksOf, problemsIn } from './helpers.ts';

const section = (html: string, heading = 'Section') => sectionToBlocks({ heading, html });

describe('sectionToBlocks: WordPress 6.1 block markup for every allowed element', () => {
  it('writes the section heading as an h2 heading block without attributes, then a paragraph', () => {
    const out = section(
      '<p>Hello <strong>bold</strong> and <em>it</em>, <code>x</code>, H<sub>2</sub>O, 1<sup>st</sup>.</p>',
      'Why it matters',
    );
    expect(out).toBe(
      '<!-- wp:heading -->\n<h2>Why it matters</h2>\n<!-- /wp:heading -->\n\n' +
        '<!-- wp:paragraph -->\n<p>Hello <strong>bold</strong> and <em>it</em>, <code>x</code>, H<sub>2</sub>O, 1<sup>st</sup>.</p>\n<!-- /wp:paragraph -->',
    );
    const blocks = blocksOf(out);
    expect(blocks.map((b) => b.blockName)).toEqual(['core/heading', 'core/paragraph']);
    expect(blocks[0]!.attrs).toEqual({});
    expect(problemsIn(out)).toEqual([]);
  });

  it('keeps h3/h4 with {"level":n}, demotes h1 and inner h2 below the section heading, turns h5/h6 into h4', () => {
    const out = section('<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>');
    const blocks = blocksOf(out).slice(1);
    expect(blocks.map((b) => [b.blockName, b.attrs])).toEqual([
      ['core/heading', { level: 3 }],
      ['core/heading', { level: 3 }],
      ['core/heading', { level: 3 }],
      ['core/heading', { level: 4 }],
      ['core/heading', { level: 4 }],
      ['core/heading', { level: 4 }],
    ]);
    expect(out).toContain('<!-- wp:heading {"level":3} -->\n<h3>One</h3>\n<!-- /wp:heading -->');
    expect(out).not.toContain('wp-block-heading'); // that class arrived in WordPress 6.2
  });

  it('h1 becomes h2 in a bare fragment', () => {
    expect(sanitizeFragment('<h1>Title</h1>')).toBe('<h2>Title</h2>');
  });

  it('writes lists as core/list with core/list-item inner blocks, ordered ones with {"ordered":true}, nesting kept', () => {
    const out = section(
      '<ul><li>One</li><li>Two <b>bold</b><ul><li>Two.a</li></ul></li></ul><ol><li>First</li><li>Second</li></ol>',
    );
    expect(out).toContain(
      '<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>One</li>\n<!-- /wp:list-item -->\n\n' +
        '<!-- wp:list-item -->\n<li>Two <strong>bold</strong><!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>Two.a</li>\n' +
        '<!-- /wp:list-item --></ul>\n<!-- /wp:list --></li>\n<!-- /wp:list-item --></ul>\n<!-- /wp:list -->',
    );
    const [, ul, ol] = blocksOf(out);
    expect(ul!.blockName).toBe('core/list');
    expect(ul!.attrs).toEqual({});
    expect(ul!.innerBlocks.map((b) => b.blockName)).toEqual(['core/list-item', 'core/list-item']);
    expect(ul!.innerBlocks[1]!.innerBlocks[0]!.blockName).toBe('core/list');
    expect(ol!.attrs).toEqual({ ordered: true });
    expect(ol!.innerBlocks).toHaveLength(2);
    expect(problemsIn(out)).toEqual([]);
  });

  it('nests a list placed directly inside a list under the previous item', () => {
    const out = section('<ul><li>A</li><ul><li>A.1</li></ul><li>B</li></ul>');
    const [, ul] = blocksOf(out);
    expect(ul!.innerBlocks).toHaveLength(2);
    expect(ul!.innerBlocks[0]!.innerBlocks[0]!.blockName).toBe('core/list');
  });

  it('writes blockquotes as core/quote with paragraph inner blocks', () => {
    const out = section('<blockquote><p>Quoted <em>words</em></p><p>Second</p><cite>Someone</cite></blockquote>');
    expect(out).toContain(
      '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n<p>Quoted <em>words</em></p>\n<!-- /wp:paragraph -->',
    );
    const [, quote] = blocksOf(out);
    expect(quote!.blockName).toBe('core/quote');
    expect(quote!.innerBlocks.map((b) => b.blockName)).toEqual(['core/paragraph', 'core/paragraph', 'core/paragraph']);
    expect(problemsIn(out)).toEqual([]);
  });

  it('writes tables as core/table in a figure, thead/tbody kept, attributes dropped', () => {
    const out = section(
      '<table border="1" style="color:red"><thead><tr><th scope="col">Plan</th><th>Price</th></tr></thead>' +
        '<tbody><tr><td colspan="2" onclick="x()">Basic &amp; more</td><td>$5</td></tr></tbody></table>',
    );
    expect(out).toContain(
      '<!-- wp:table -->\n<figure class="wp-block-table"><table><thead><tr><th>Plan</th><th>Price</th></tr></thead>' +
        '<tbody><tr><td>Basic &amp; more</td><td>$5</td></tr></tbody></table></figure>\n<!-- /wp:table -->',
    );
    expect(blocksOf(out)[1]!.blockName).toBe('core/table');
    expect(problemsIn(out)).toEqual([]);
  });

  it('wraps table rows without a section in tbody (as browsers do)', () => {
    expect(section('<table><tr><td>a</td></tr></table>')).toContain(
      '<table><tbody><tr><td>a</td></tr></tbody></table>',
    );
  });

  it('turns figure/img into core/image with the caption; images inside paragraphs are hoisted out', () => {
    const out = section(
      '<figure><img src="https://cdn.example.com/a.jpg" alt="A red bike" width="10" class="x"><figcaption>Our <em>bike</em></figcaption></figure>' +
        '<p>Before <img src="https://cdn.example.com/b.png" alt="B"> after</p>',
    );
    expect(out).toContain(
      '<!-- wp:image {"sizeSlug":"large"} -->\n<figure class="wp-block-image size-large"><img src="https://cdn.example.com/a.jpg" alt="A red bike"/>' +
        '<figcaption class="wp-element-caption">Our <em>bike</em></figcaption></figure>\n<!-- /wp:image -->',
    );
    expect(blocksOf(out).map((b) => b.blockName)).toEqual([
      'core/heading',
      'core/image',
      'core/paragraph',
      'core/image',
      'core/paragraph',
    ]);
    expect(problemsIn(out)).toEqual([]);
  });

  it('drops images whose source is not http(s) and keeps their alt out of the text', () => {
    const out = section('<p>x<img src="/local.png" alt="no"></p><img src="ftp://a/b.png" alt="no">');
    expect(blocksOf(out).map((b) => b.blockName)).toEqual(['core/heading', 'core/paragraph']);
  });

  it('keeps links with http(s), mailto and relative targets; target=_blank gets rel="noopener"', () => {
    const out = section(
      '<p><a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="opener" class="c">one</a> ' +
        '<a href="mailto:team@example.com">two</a> <a href="/pricing#plans" target="_self">three</a> <a>four</a></p>',
    );
    expect(out).toContain(
      '<p><a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener">one</a> ' +
        '<a href="mailto:team@example.com">two</a> <a href="/pricing#plans">three</a> four</p>',
    );
    expect(problemsIn(out)).toEqual([]);
  });

  it('wraps loose text and inline elements in paragraphs, keeps <br/>, unwraps unknown tags', () => {
    const out = section(
      'Loose <strong>text</strong><br>next line<div><span class="x">in div</span></div><section><p>in section</p></section>',
    );
    const blocks = blocksOf(out);
    expect(blocks.map((b) => b.blockName)).toEqual(['core/heading', 'core/paragraph', 'core/paragraph']);
    expect(out).toContain('<p>Loose <strong>text</strong><br/>next linein div</p>');
    expect(out).toContain('<p>in section</p>');
  });

  it('skips empty paragraphs and drops a first heading that repeats the section heading', () => {
    const out = section('<h2>Benefits of tea</h2><p>  </p><p><strong></strong></p><p>Real text</p>', 'Benefits of Tea');
    expect(blocksOf(out).map((b) => b.blockName)).toEqual(['core/heading', 'core/paragraph']);
  });

  it('treats the section heading as text (markup in it is reduced to its text, entities escaped)', () => {
    const out = section('<p>x</p>', 'Fish <em>&amp;</em> <script>alert(1)</script>chips <3');
    expect(out.startsWith('<!-- wp:heading -->\n<h2>Fish &amp; chips &lt;3</h2>')).toBe(true);
  });

  it('supports h3 section headings ({"level":3}) with inner headings at h4', () => {
    const out = sectionToBlocks({ heading: 'Sub', html: '<h2>Inner</h2><p>x</p>' }, { headingLevel: 3 });
    expect(
      blocksOf(out)
        .slice(0, 2)
        .map((b) => b.attrs),
    ).toEqual([{ level: 3 }, { level: 4 }]);
  });
});

describe('imageBlock', () => {
  it('writes the attachment id into the attributes and the wp-image-N class, alt and caption escaped', () => {
    const out = imageBlock({
      id: 42,
      url: 'https://site.test/wp-content/uploads/a.jpg',
      alt: 'A "quoted" <alt>',
      caption: 'By <b>me</b>',
    });
    expect(out).toBe(
      '<!-- wp:image {"id":42,"sizeSlug":"large"} -->\n<figure class="wp-block-image size-large">' +
        '<img src="https://site.test/wp-content/uploads/a.jpg" alt="A &quot;quoted&quot; &lt;alt&gt;" class="wp-image-42"/>' +
        '<figcaption class="wp-element-caption">By <strong>me</strong></figcaption></figure>\n<!-- /wp:image -->',
    );
    const [block] = blocksOf(out);
    expect(block!.attrs).toEqual({ id: 42, sizeSlug: 'large' });
    expect(problemsIn(out)).toEqual([]);
  });

  it('omits the id without one, and refuses non-http(s) URLs', () => {
    expect(imageBlock({ url: 'http://a.test/x.png', alt: '' })).toBe(
      '<!-- wp:image {"sizeSlug":"large"} -->\n<figure class="wp-block-image size-large"><img src="http://a.test/x.png" alt=""/></figure>\n<!-- /wp:image -->',
    );
    expect(() => imageBlock({ url: 'javascript:alert(1)', alt: 'x' })).toThrow(/http\(s\)/);
    expect(() => imageBlock({ url: 'data:image/png;base64,AAAA', alt: 'x' })).toThrow(/http\(s\)/);
  });
});

describe('articleToBlocks', () => {
  it('joins sections and places images after their section; the whole parses into well-formed blocks', () => {
    const out = articleToBlocks(
      [
        { heading: 'Intro', html: '<p>One</p>' },
        {
          heading: 'Body',
          html: '<ul><li>a</li></ul><blockquote><p>q</p></blockquote><table><tr><td>c</td></tr></table>',
        },
      ],
      {
        images: [
          { afterSection: 0, id: 7, url: 'https://a.test/1.jpg', alt: 'first' },
          { afterSection: 9, url: 'https://a.test/2.jpg', alt: 'last' },
        ],
      },
    );
    const top = blocksOf(out);
    expect(top.map((b) => b.blockName)).toEqual([
      'core/heading',
      'core/paragraph',
      'core/image',
      'core/heading',
      'core/list',
      'core/quote',
      'core/table',
      'core/image',
    ]);
    expect(top[2]!.attrs).toEqual({ id: 7, sizeSlug: 'large' });
    // Every delimiter balanced: the parser found no stray HTML and every block closes where it opened.
    for (const b of allBlocks(top)) expect(b.blockName).not.toBeNull();
    expect(problemsIn(out)).toEqual([]);
  });
});

describe('serializeAttributes', () => {
  it('escapes what could end the comment or be read as markup, like @wordpress/blocks', () => {
    expect(serializeAttributes({ a: '--> <b> & "q"' })).toBe(
      '{"a":"\\u002d\\u002d\\u003e \\u003cb\\u003e \\u0026 \\u0022q\\u0022"}',
    );
  });
});
