// An XSS corpus planted in the AI's section HTML: whatever the vector, the block markup that comes out, parsed
// by WordPress's block parser and by a browser-grade HTML parser (parse5), holds nothing executable.
import { parseFragment, type DefaultTreeAdapterTypes as T } from 'parse5';
import { describe, expect, it } from 'vitest';
import { articleToBlocks, sanitizeFragment, sectionToBlocks } from './blocks.ts';
import { faqBlocks } from './seo.ts';
import { problemsIn } from './test-helpers.ts';

const VECTORS: Array<[string, string]> = [
  ['script tag', '<p>a</p><script>alert(1)</script><p>b</p>'],
  ['script with src', '<script src="https://evil.test/x.js"></script>'],
  ['uppercase script', '<SCRIPT>alert(1)</SCRIPT>'],
  ['script split by null', '<scr\u0000ipt>alert(1)</scr\u0000ipt>'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['img onerror with valid src', '<img src="https://a.test/x.png" onerror="alert(1)" alt="x">'],
  ['body onload', '<body onload=alert(1)><p>x</p></body>'],
  ['p onclick', '<p onclick="alert(1)" onmouseover=alert(2)>click</p>'],
  ['attribute without quotes and slash', '<p/onclick=alert(1)>x</p>'],
  ['javascript link', '<a href="javascript:alert(1)">x</a>'],
  ['mixed case javascript', '<a href="jAvAsCrIpT:alert(1)">x</a>'],
  ['javascript with tab', '<a href="java\tscript:alert(1)">x</a>'],
  ['javascript with entity tab', '<a href="jav&#x09;ascript:alert(1)">x</a>'],
  ['javascript with newline entity', '<a href="jav&#10;ascript:alert(1)">x</a>'],
  [
    'javascript decimal entities',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  ],
  [
    'javascript hex entities no semicolons',
    '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>',
  ],
  ['javascript named colon entity', '<a href="javascript&colon;alert(1)">x</a>'],
  ['leading spaces and control chars', '<a href=" \u0001 javascript:alert(1)">x</a>'],
  ['vbscript', '<a href="vbscript:msgbox(1)">x</a>'],
  ['data html link', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'],
  ['data image', '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" alt="x">'],
  ['protocol-relative link', '<a href="//evil.test/x">x</a>'],
  ['iframe', '<iframe src="https://evil.test"></iframe><p>after</p>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['object data', '<object data="javascript:alert(1)"></object>'],
  ['embed', '<embed src="https://evil.test/x.swf">'],
  ['svg onload', '<svg onload=alert(1)><circle r=1 /></svg>'],
  ['svg script', '<svg><script>alert(1)</script></svg>'],
  [
    'svg animate href',
    '<svg><a><animate attributeName=href values=javascript:alert(1) /><text y=20>x</text></a></svg>',
  ],
  ['math xlink', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>'],
  ['wp:html block', '<!-- wp:html --><script>alert(1)</script><!-- /wp:html -->'],
  ['wp:html with visible HTML', '<!-- wp:html --><div onclick="x">raw</div><!-- /wp:html -->'],
  [
    'forged closing delimiter',
    '<p>a<!-- /wp:paragraph --><!-- wp:html --><img src=x onerror=alert(1)><!-- /wp:html --></p>',
  ],
  ['comment-looking text', '<p>&lt;!-- wp:html --&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
  ['style tag', '<style>body{background:url(javascript:alert(1))}</style><p>x</p>'],
  ['style attribute', '<p style="background:url(javascript:alert(1));position:fixed">x</p>'],
  ['class injection', '<p class="wp-block-html has-evil">x</p>'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
  ['base href', '<base href="https://evil.test/"><a href="/x">x</a>'],
  ['link stylesheet', '<link rel="stylesheet" href="https://evil.test/x.css">'],
  [
    'form action',
    '<form action="https://evil.test"><input name=q><button formaction="javascript:alert(1)">go</button></form>',
  ],
  ['input autofocus onfocus', '<input autofocus onfocus=alert(1)>'],
  ['details ontoggle', '<details open ontoggle=alert(1)><summary>x</summary></details>'],
  ['video poster', '<video poster=javascript:alert(1)><source src=x onerror=alert(1)></video>'],
  ['template', '<template><img src=x onerror=alert(1)></template>'],
  ['noscript mXSS', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'],
  ['title breakout', '<title><img src=x onerror=alert(1)></title>'],
  ['textarea breakout', '<textarea></textarea><img src=x onerror=alert(1)></textarea>'],
  ['nested unclosed tags', '<p><a href="https://a.test"><strong><em>x<img src=x onerror=alert(1)><div><table><td>y'],
  ['tag cut at the end', '<p>x<img src=x onerror=alert(1)'],
  ['unclosed attribute', '<a href="https://a.test" title="x><img src=x onerror=alert(1)>">y</a>'],
  ['mXSS style in svg', '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'],
  ['mXSS math mglyph', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
  ['mXSS form nesting', '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>'],
  ['xmp', '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>'],
  ['srcset', '<img src="https://a.test/x.png" srcset="javascript:alert(1) 1x" alt="x">'],
  ['formaction on link', '<a href="https://a.test" formaction="javascript:alert(1)" onfocus=alert(1) autofocus>x</a>'],
  ['target other than _blank', '<a href="https://a.test" target="evilframe">x</a>'],
  ['id clobbering', '<p id="wpadminbar" name="x">x</p>'],
  ['data attributes', '<p data-bind="alert(1)" x-on:click="alert(1)">x</p>'],
  [
    'table with event handlers',
    '<table onmouseover=alert(1)><tr><td background="javascript:alert(1)">c</td></tr></table>',
  ],
  ['blockquote cite javascript', '<blockquote cite="javascript:alert(1)"><p>q</p></blockquote>'],
  ['CDATA', '<![CDATA[<script>alert(1)</script>]]><p>x</p>'],
  ['processing instruction', '<?xml version="1.0"?><p>x</p>'],
  ['shortcode-like text stays text', '<p>[embed]javascript:alert(1)[/embed]</p>'],
];

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
