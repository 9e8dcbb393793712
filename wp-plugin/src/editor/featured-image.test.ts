import { describe, expect, it, vi } from 'vitest';
import { imageBody, imageProblem, makeFeaturedImage, type ImageApi } from './featured-image';
import type { TJobRun } from '@igny8/shared';
import { jobRunFixture } from '../store/jobs/job-run.fixture';
import type { RunProgress } from './job';

describe('featured image fields', () => {
  it('says what is missing or too long', () => {
    expect(imageProblem({ prompt: ' a ', altText: '' })).toMatch(/Describe the image/);
    expect(imageProblem({ prompt: 'Cold brew', altText: '' })).toBeNull();
    expect(imageProblem({ prompt: 'x'.repeat(1001), altText: '' })).toMatch(/description is too long/);
    expect(imageProblem({ prompt: 'Cold brew', altText: 'y'.repeat(301) })).toMatch(/alt text is too long/);
  });

  it('asks for this site and post, leaving out an empty alt text', () => {
    expect(imageBody({ prompt: ' Cold brew in a jar ', altText: ' ' }, 42)).toEqual({
      siteId: 'current',
      prompt: 'Cold brew in a jar',
      wpPostId: 42,
    });
    expect(imageBody({ prompt: 'Cold brew', altText: ' A jar ' }, null)).toEqual({
      siteId: 'current',
      prompt: 'Cold brew',
      altText: 'A jar',
    });
  });
});

const job = (progress: number, status: TJobRun['status'], extra: Partial<TJobRun> = {}): TJobRun =>
  jobRunFixture({ id: 'job-9', type: 'writer.editor_image', status, progress, ...extra });

const ATTACHMENT = {
  attachmentId: 77,
  url: 'http://wp.test/wp-content/uploads/jar.png',
  altText: 'A jar',
  created: true,
};

const fakeApi = (jobs: TJobRun[]) =>
  ({
    start: vi.fn(async () => ({
      jobId: 'job-9',
      status: 'queued',
      pollUrl: '/api/v1/jobs/job-9',
      heldCredits: 8,
      model: 'openai/image',
      editorImageId: 'image-9',
    })),
    job: vi.fn(async () => jobs.shift()!),
    wait: vi.fn(async () => undefined),
    attach: vi.fn(async () => ATTACHMENT),
  }) satisfies ImageApi;

describe('makeFeaturedImage', () => {
  const body = imageBody({ prompt: 'Cold brew in a jar', altText: '' }, 42);

  it('makes the image, reports its progress, says it was made, then adds it to the media library', async () => {
    const api = fakeApi([job(10, 'running'), job(100, 'succeeded', { result: { credits: 6 } })]);
    const seen: RunProgress[] = [];
    const made = vi.fn();
    const image = await makeFeaturedImage(api, body, 42, 'key-9', (p) => seen.push(p), made);
    expect(image).toEqual({ editorImageId: 'image-9', attachment: ATTACHMENT, charged: 6 });
    expect(api.start).toHaveBeenCalledWith(body, 'key-9');
    expect(made).toHaveBeenCalledWith('image-9', 6);
    expect(api.attach).toHaveBeenCalledWith('image-9', 42);
    expect(seen.map((p) => p.progress)).toEqual([0, 0, 10, 100]);
  });

  it('keeps what was made when adding it to the media library fails, and never adds a failed image', async () => {
    const api = fakeApi([job(100, 'succeeded', { result: null })]);
    api.attach.mockRejectedValueOnce(new Error('The image is 20 MB, more than the 15 MB this site accepts.'));
    const made = vi.fn();
    await expect(makeFeaturedImage(api, body, 42, 'k', () => undefined, made)).rejects.toThrow(/20 MB/);
    expect(made).toHaveBeenCalledWith('image-9', null);

    const failed = fakeApi([job(40, 'failed', { error: { code: 'AI_FAILED', message: 'The prompt was refused.' } })]);
    await expect(makeFeaturedImage(failed, body, 42, 'k', () => undefined, made)).rejects.toThrow(
      'The prompt was refused.',
    );
    expect(failed.attach).not.toHaveBeenCalled();
  });
});
