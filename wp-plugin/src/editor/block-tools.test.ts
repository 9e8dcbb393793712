import { describe, expect, it, vi } from 'vitest';
import {
  mostCredits,
  previewLines,
  rewriteBlock,
  rewriteBody,
  rewriteProblem,
  rewrittenBlock,
  selectionNote,
  textOf,
  type RewriteApi,
  type SelectedBlock,
} from './block-tools';
import type { TJobRun } from '@igny8/shared';
import { jobRunFixture } from '../store/jobs/job-run.fixture';
import type { RunProgress } from './job';

const paragraph = (html: string): SelectedBlock => ({ clientId: 'block-1', name: 'core/paragraph', html });

describe('the selected block', () => {
  it('says what to select when nothing, several or an unsupported block is selected', () => {
    expect(selectionNote(0, null)).toMatch(/Select a paragraph, heading, list or quote/);
    expect(selectionNote(3, { name: 'core/paragraph' })).toMatch(/Several blocks are selected/);
    expect(selectionNote(1, { name: 'core/image', title: 'Image' })).toBe(
      'Image blocks cannot be rewritten with AI: select a paragraph, heading, list or quote.',
    );
    expect(selectionNote(1, { name: 'acme/widget' })).toMatch(/^acme\/widget blocks cannot/);
    for (const name of ['core/paragraph', 'core/heading', 'core/list', 'core/quote']) {
      expect(selectionNote(1, { name })).toBeNull();
    }
  });

  it('reads the text of block HTML, inner block comments and entities included', () => {
    expect(textOf('<p>Cold&nbsp;brew &amp; <strong>ice</strong> &#8211; &#x2014;</p>')).toBe('Cold brew & ice – —');
    expect(textOf('<ul><!-- wp:list-item --><li>One</li><!-- /wp:list-item --><li>Two</li></ul>')).toBe('One Two');
    expect(textOf('<p></p>')).toBe('');
    expect(textOf('<p>&bogus;</p>')).toBe('&bogus;');
  });

  it('says why a block cannot be rewritten yet', () => {
    const empty = paragraph('<p> </p>');
    expect(rewriteProblem('improve', empty, '')).toMatch(/no text to improve/);
    expect(rewriteProblem('regenerate', empty, '')).toMatch(/say what it should be about/);
    expect(rewriteProblem('regenerate', empty, 'About cold brew ratios')).toBeNull();
    expect(rewriteProblem('improve', paragraph('<p>Cold brew.</p>'), '')).toBeNull();
    expect(rewriteProblem('improve', paragraph(`<p>${'x'.repeat(20_001)}</p>`), '')).toMatch(/too long to rewrite/);
    expect(rewriteProblem('improve', paragraph('<p>Cold brew.</p>'), 'y'.repeat(501))).toMatch(
      /instruction is too long/,
    );
  });

  it('builds the request for this site, leaving out empty optional fields', () => {
    const block = paragraph('<p>Cold brew.</p>');
    expect(rewriteBody('improve', block, '  ', '  ')).toEqual({
      siteId: 'current',
      mode: 'improve',
      blockName: 'core/paragraph',
      html: '<p>Cold brew.</p>',
    });
    expect(rewriteBody('regenerate', block, ` ${'T'.repeat(250)} `, ' shorter ')).toEqual({
      siteId: 'current',
      mode: 'regenerate',
      blockName: 'core/paragraph',
      html: '<p>Cold brew.</p>',
      postTitle: 'T'.repeat(200),
      instruction: 'shorter',
    });
  });

  it('shows the most any mode would cost', () => {
    expect(mostCredits([{ credits: 3 }, { credits: 5 }])).toBe(5);
    expect(mostCredits([null, { credits: 2 }])).toBe(2);
    expect(mostCredits([null, undefined])).toBeNull();
  });

  it('previews the new block as plain lines, list items marked', () => {
    expect(
      previewLines('<!-- wp:paragraph -->\n<p>Steep <em>12</em> hours &amp; strain.</p>\n<!-- /wp:paragraph -->'),
    ).toEqual([{ text: 'Steep 12 hours & strain.', item: false }]);
    expect(
      previewLines(
        '<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>Grind coarse</li>\n<!-- /wp:list-item --><!-- wp:list-item -->\n<li>Use cold water</li>\n<!-- /wp:list-item --></ul>\n<!-- /wp:list -->',
      ),
    ).toEqual([
      { text: 'Grind coarse', item: true },
      { text: 'Use cold water', item: true },
    ]);
    expect(
      previewLines(
        '<blockquote class="wp-block-quote"><p>Good coffee</p><p>takes time</p><cite>A barista</cite></blockquote>',
      ),
    ).toEqual([
      { text: 'Good coffee', item: false },
      { text: 'takes time', item: false },
      { text: 'A barista', item: false },
    ]);
    // Markup is never put in the page: a script is only text.
    expect(previewLines('<p><script>alert(1)</script>Hi</p>')).toEqual([{ text: 'alert(1) Hi', item: false }]);
  });
});

const job = (progress: number, status: TJobRun['status'], extra: Partial<TJobRun> = {}): TJobRun =>
  jobRunFixture({
    type: 'writer.rewrite_block',
    status,
    progress,
    currentStep: status === 'running' ? 'writing' : null,
    ...extra,
  });

const MARKUP = '<!-- wp:paragraph -->\n<p>Better.</p>\n<!-- /wp:paragraph -->';

const fakeApi = (jobs: TJobRun[]) =>
  ({
    start: vi.fn(async () => ({
      jobId: 'job-1',
      status: 'queued',
      pollUrl: '/api/v1/jobs/job-1',
      heldCredits: 4,
      model: 'openai/m',
    })),
    job: vi.fn(async () => jobs.shift()!),
    wait: vi.fn(async () => undefined),
  }) satisfies RewriteApi;

describe('rewriteBlock', () => {
  const body = rewriteBody('improve', paragraph('<p>Good.</p>'), 'Cold brew', '');

  it('starts the run with the key, reports every poll and answers the markup and what was charged', async () => {
    const api = fakeApi([
      job(0, 'queued'),
      job(50, 'running'),
      job(100, 'succeeded', { result: { markup: MARKUP, blockName: 'core/paragraph', credits: 3, model: 'm' } }),
    ]);
    const seen: RunProgress[] = [];
    const result = await rewriteBlock(api, body, 'key-1', (p) => seen.push(p));
    expect(result).toEqual({ markup: MARKUP, charged: 3 });
    expect(api.start).toHaveBeenCalledWith(body, 'key-1');
    expect(api.job).toHaveBeenCalledWith('job-1');
    expect(api.wait).toHaveBeenCalledTimes(2);
    expect(seen.map((p) => [p.progress, p.heldCredits])).toEqual([
      [0, null],
      [0, 4],
      [0, 4],
      [50, 4],
      [100, 4],
    ]);
  });

  it("throws a failed job's words, a refusal as it came, and a result without markup in ours", async () => {
    const failed = fakeApi([job(20, 'failed', { error: { code: 'AI_FAILED', message: 'The AI provider refused.' } })]);
    await expect(rewriteBlock(failed, body, 'k', () => undefined)).rejects.toThrow('The AI provider refused.');
    await expect(rewriteBlock(fakeApi([job(20, 'cancelled')]), body, 'k', () => undefined)).rejects.toThrow(
      /cancelled/,
    );
    const refused = fakeApi([]);
    refused.start.mockRejectedValueOnce(new Error('Not enough credits: 4 needed, 1 left.'));
    await expect(rewriteBlock(refused, body, 'k', () => undefined)).rejects.toThrow(/Not enough credits/);
    expect(refused.job).not.toHaveBeenCalled();
    await expect(rewriteBlock(fakeApi([job(100, 'succeeded')]), body, 'k', () => undefined)).rejects.toThrow(
      /sent no block back/,
    );
    expect(rewrittenBlock({ markup: MARKUP })).toEqual({ markup: MARKUP, charged: null });
  });
});
