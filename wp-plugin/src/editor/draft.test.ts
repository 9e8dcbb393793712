import { describe, expect, it, vi } from 'vitest';
import type { TContent, TJobRun, TWriterTask } from '@igny8/shared';
import { toApiError } from '../api/client';
import { jobRunFixture } from '../store/jobs/job-run.fixture';
import { counter, draftProblem, taskBody, titleFromKeyword, writeDraft, type DraftApi } from './draft';
import type { RunProgress } from './job';
import { metaString } from './editor-store';

const fields = (keyword: string, title = '', words = '') => ({ keyword, title, words });

describe('draft fields', () => {
  it('makes the title from the keyword and the body of a task for this site', () => {
    expect(titleFromKeyword('  trail   running shoes ')).toBe('Trail running shoes');
    expect(taskBody(fields('trail running shoes'))).toEqual({
      siteId: 'current',
      title: 'Trail running shoes',
      primaryKeyword: 'trail running shoes',
      targetWordCount: 1500,
      imageCount: 0,
    });
    expect(taskBody(fields(' boots ', ' Boots for winter ', '900'), 'sector-1')).toEqual({
      siteId: 'current',
      sectorId: 'sector-1',
      title: 'Boots for winter',
      primaryKeyword: 'boots',
      targetWordCount: 900,
      imageCount: 0,
    });
  });

  it('says what is missing before anything is sent', () => {
    expect(draftProblem(fields(''))).toMatch(/Type a keyword/);
    expect(draftProblem(fields('tea'))).toMatch(/title of at least 5/);
    expect(draftProblem(fields('tea', 'Green tea at home'))).toBeNull();
    expect(draftProblem(fields('green tea', '', '100'))).toMatch(/from 300 to 6000/);
    expect(draftProblem(fields('green tea', '', '1500.5'))).toMatch(/whole number/);
    expect(draftProblem(fields('green tea', '', 'abc'))).toMatch(/whole number/);
    expect(draftProblem(fields('green tea', '', '6000'))).toBeNull();
    expect(draftProblem(fields('x'.repeat(201)))).toMatch(/keyword is too long/);
    expect(draftProblem(fields('tea', 'y'.repeat(201)))).toMatch(/title is too long/);
  });

  it('counts characters against the SEO limits', () => {
    expect(counter('a'.repeat(60), 60)).toEqual({ label: '60 / 60', over: false });
    expect(counter('a'.repeat(61), 60)).toEqual({ label: '61 / 60', over: true });
    expect(metaString({ _igny8_seo_title: 'T', other: 3 }, '_igny8_seo_title')).toBe('T');
    expect(metaString({ other: 3 }, 'other')).toBe('');
    expect(metaString(undefined, 'x')).toBe('');
  });
});

const job = (progress: number, status: TJobRun['status'], error: TJobRun['error'] = null): TJobRun =>
  jobRunFixture({ status, progress, currentStep: status === 'running' ? `section:${progress}` : null, error });

const fakeApi = (jobs: TJobRun[]) => {
  const api = {
    createTask: vi.fn(async () => ({ id: 'task-1' }) as TWriterTask),
    generate: vi.fn(async () => ({
      jobId: 'job-1',
      status: 'queued',
      pollUrl: '/api/v1/jobs/job-1',
      heldCredits: 12,
      model: 'openai/m',
    })),
    job: vi.fn(async () => jobs.shift()!),
    content: vi.fn(async () => ({ id: 'content-1', version: { body: '<!-- wp:paragraph -->' } }) as TContent),
    wait: vi.fn(async () => undefined),
  } satisfies DraftApi;
  return api;
};

describe('writeDraft', () => {
  it('creates the task, writes it, reports every poll and answers the content', async () => {
    const api = fakeApi([job(0, 'queued'), job(40, 'running'), job(100, 'succeeded')]);
    const seen: RunProgress[] = [];
    const body = taskBody(fields('green tea'), 'sector-1');
    const content = await writeDraft(api, body, (p) => seen.push(p));
    expect(content.id).toBe('content-1');
    expect(api.createTask).toHaveBeenCalledWith(body);
    expect(api.generate).toHaveBeenCalledWith('task-1');
    expect(api.content).toHaveBeenCalledWith('task-1');
    expect(api.wait).toHaveBeenCalledTimes(2);
    expect(seen.map((p) => [p.progress, p.heldCredits])).toEqual([
      [0, null],
      [0, 12],
      [0, 12],
      [40, 12],
      [100, 12],
    ]);
    expect(seen[3]!.step).toBe('section:40');
  });

  it("throws a failed job's own words and loads nothing", async () => {
    const api = fakeApi([job(30, 'failed', { code: 'AI_FAILED', message: 'The AI provider refused the request.' })]);
    await expect(writeDraft(api, taskBody(fields('green tea'), 'sector-1'), () => undefined)).rejects.toThrow(
      'The AI provider refused the request.',
    );
    expect(api.content).not.toHaveBeenCalled();
    const cancelled = fakeApi([job(30, 'cancelled')]);
    await expect(writeDraft(cancelled, taskBody(fields('green tea'), 'sector-1'), () => undefined)).rejects.toThrow(
      /cancelled/,
    );
  });

  it('hands the panel the words people read: the job error survives toApiError with its code', async () => {
    const api = fakeApi([job(30, 'failed', { code: 'AI_FAILED', message: 'The AI provider refused the request.' })]);
    const thrown = await writeDraft(api, taskBody(fields('green tea'), 'sector-1'), () => undefined).catch(
      (error: unknown) => error,
    );
    expect(toApiError(thrown)).toMatchObject({ code: 'AI_FAILED', message: 'The AI provider refused the request.' });
    const cancelled = fakeApi([job(30, 'cancelled')]);
    const stopped = await writeDraft(cancelled, taskBody(fields('green tea'), 'sector-1'), () => undefined).catch(
      (error: unknown) => error,
    );
    expect(toApiError(stopped).code).toBe('job_cancelled');
    expect(toApiError(stopped).message).toMatch(/cancelled/);
  });

  it('passes a refusal to create or start through unchanged', async () => {
    const api = fakeApi([]);
    api.generate.mockRejectedValueOnce(new Error('Not enough credits: 12 needed, 3 left.'));
    await expect(writeDraft(api, taskBody(fields('green tea'), 'sector-1'), () => undefined)).rejects.toThrow(
      /Not enough credits/,
    );
    expect(api.job).not.toHaveBeenCalled();
  });
});
