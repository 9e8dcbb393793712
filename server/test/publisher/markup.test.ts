import { describe, expect, it } from 'vitest';
import { DEMO_NOTICE, imageSlots, plainText, postMarkup } from '../../src/modules/publisher/markup.ts';

describe('publish markup', () => {
  it('spreads in-article images evenly between sections', () => {
    expect(imageSlots(4, 2)).toEqual([0, 2]);
    expect(imageSlots(6, 2)).toEqual([1, 3]);
    expect(imageSlots(5, 1)).toEqual([2]);
    expect(imageSlots(3, 3)).toEqual([0, 1, 2]);
    // More images than sections: never past the last section.
    expect(imageSlots(2, 4)).toEqual([0, 0, 1, 1]);
    expect(imageSlots(0, 2)).toEqual([0, 0]);
  });

  it('places images as core/image blocks with their alt text, and images alone when there are no sections', () => {
    const markup = postMarkup({
      sections: [
        { level: 'h2', heading: 'One', html: '<p>a</p>' },
        { level: 'h2', heading: 'Two', html: '<p>b</p>' },
      ],
      faq: [],
      images: [{ id: 7, url: 'https://blog.test/wp-content/uploads/a.png', alt: 'A "quoted" <alt>' }],
    });
    expect(markup).toContain(
      '<!-- /wp:paragraph -->\n\n<!-- wp:image {"id":7,"sizeSlug":"large"} -->\n<figure class="wp-block-image size-large"><img src="https://blog.test/wp-content/uploads/a.png" alt="A &quot;quoted&quot; &lt;alt&gt;" class="wp-image-7"/></figure>\n<!-- /wp:image -->\n\n<!-- wp:heading -->\n<h2>Two</h2>',
    );
    const alone = postMarkup({ sections: [], faq: [], images: [{ id: 8, url: 'https://blog.test/b.png', alt: 'b' }] });
    expect(alone).toContain('"id":8');
  });

  it('opens a demo article with the demo notice, and only a demo article', () => {
    const sections = [{ level: 'h2' as const, heading: 'One', html: '<p>a</p>' }];
    const demo = postMarkup({ sections, faq: [], images: [], demo: true });
    expect(demo.startsWith(`<!-- wp:paragraph -->\n<p><em>${DEMO_NOTICE}</em></p>\n<!-- /wp:paragraph -->`)).toBe(true);
    expect(postMarkup({ sections, faq: [], images: [] })).not.toContain(DEMO_NOTICE);
  });

  it('turns titles and excerpts into plain text', () => {
    expect(plainText('Best <script>alert(1)</script>shoes <b>2024</b> &amp; more')).toBe('Best shoes 2024 & more');
    expect(plainText('a &lt;script&gt; b')).toBe('a script b');
    expect(plainText('x'.repeat(20), 5)).toBe('xxxxx');
  });
});
