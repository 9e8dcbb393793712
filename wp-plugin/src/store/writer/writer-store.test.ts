import { beforeEach, describe, expect, it, vi } from 'vitest';

const apiFetch = vi.fn();
vi.mock('@wordpress/api-fetch', () => ({ default: (options: unknown) => apiFetch(options) }));

const actions = await import('./actions');
const resolvers = await import('./resolvers');
const { taskKey, diffKey } = await import('./keys');
const { default: reducer, initialState } = await import('./reducer');
const selectors = await import('./selectors');
const { isVersionConflict, toWriterError } = await import('./errors');
const { termList } = await import('../../admin/writer/terms');
import type { TContent, TContentImage, TJobRun, TPublication, TWriterTask } from '@igny8/shared';
import { jobRunFixture } from '../jobs/job-run.fixture';
import type { WriterAction, WriterState, WriterThunkArgs } from './types';

const task = (status: TWriterTask['status'], content: TWriterTask['content'] = null): TWriterTask => ({
  id: 'task-1',
  siteId: 'site-1',
  sectorId: 'sector-1',
  ideaId: null,
  clusterId: null,
  title: 'How to lace trail shoes',
  primaryKeyword: 'lace trail shoes',
  secondaryKeywords: [],
  outline: [],
  contentType: 'how_to',
  targetWordCount: 1200,
  language: 'en',
  voice: null,
  imageCount: 2,
  includeFaq: false,
  status,
  failureReason: null,
  lastJobId: null,
  content,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

const content = (currentVersion: number, approved = false): TContent => ({
  id: 'content-1',
  taskId: 'task-1',
  siteId: 'site-1',
  language: 'en',
  demo: false,
  currentVersion,
  approvedVersion: approved ? currentVersion : null,
  approvedAt: null,
  approved,
  version: {
    number: currentVersion,
    source: 'generated',
    title: 'How to lace trail shoes',
    wordCount: 1180,
    detectedLanguage: 'en',
    languageMatches: true,
    jobId: null,
    createdById: null,
    note: null,
    createdAt: '2026-01-01T00:00:00Z',
    seoTitle: 'Lace trail shoes',
    metaDescription: 'Three lacing methods.',
    slug: 'lace-trail-shoes',
    excerpt: '',
    sections: [{ level: 'h2', heading: 'Why', html: '<p>Because.</p>' }],
    faq: [],
    body: '<!-- wp:paragraph --><p>Because.</p><!-- /wp:paragraph -->',
  },
  task: task(approved ? 'approved' : 'review'),
});

const job = (progress: number, status: TJobRun['status']): TJobRun =>
  jobRunFixture({
    type: 'writer.content',
    status,
    progress,
    currentStep: status === 'running' ? 'section 2 of 5' : null,
    error: status === 'failed' ? { code: 'AI_FAILED', message: 'The AI provider did not answer: try again.' } : null,
  });

const publication = (status: TPublication['status']): TPublication => ({
  id: 'pub-1',
  contentId: 'content-1',
  siteId: 'site-1',
  taskId: 'task-1',
  status,
  requestedStatus: 'publish',
  scheduledAt: null,
  categories: [],
  tags: [],
  postId: status === 'published' ? 42 : null,
  wpStatus: status === 'published' ? 'publish' : null,
  url: status === 'published' ? 'http://site.test/?p=42' : null,
  publishedVersion: status === 'published' ? 2 : null,
  lastError: null,
  jobId: 'job-1',
  publishedAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

const envelope = (data: unknown) => ({ success: true, data });
const paths = () => apiFetch.mock.calls.map(([options]) => (options as { path: string }).path);

/** Runs a thunk against a real reducer, recording actions, the state after each, and invalidated selectors. */
const runThunk = async <T>(thunk: (args: WriterThunkArgs) => Promise<T>, start: WriterState = initialState) => {
  let state = start;
  const dispatched: WriterAction[] = [];
  const states: WriterState[] = [];
  const invalidated: string[] = [];
  const dispatch = Object.assign(
    (action: WriterAction) => {
      dispatched.push(action);
      state = reducer(state, action);
      states.push(state);
    },
    { invalidateResolutionForStoreSelector: (selector: string) => invalidated.push(selector) },
  );
  const result = await thunk({ dispatch });
  return { result, state: () => state, states, dispatched, invalidated };
};

beforeEach(() => {
  apiFetch.mockReset();
  vi.useRealTimers();
});

describe('reducer and selectors', () => {
  it('keeps task pages by query and every listed task by id', () => {
    const state = reducer(undefined, {
      type: 'RECEIVE_TASKS',
      key: taskKey({ status: 'review', cursor: undefined }),
      page: { items: [task('review')], nextCursor: 'c2' },
    });
    expect(selectors.getTasks(state, { status: 'review' })?.nextCursor).toBe('c2');
    expect(selectors.getTasks(state, {})).toBeUndefined();
    expect(selectors.getTask(state, 'task-1')?.status).toBe('review');
  });

  it('a received content updates its task, and diffs are kept per pair of versions', () => {
    let state = reducer(undefined, { type: 'RECEIVE_TASK', task: task('writing') });
    state = reducer(state, { type: 'RECEIVE_CONTENT', content: content(2, true) });
    expect(selectors.getContent(state, 'task-1')?.currentVersion).toBe(2);
    expect(selectors.getTask(state, 'task-1')?.status).toBe('approved');
    const diff = { from: 1, to: 2, fields: [], sections: [], wordsAdded: 3, wordsRemoved: 1 };
    state = reducer(state, { type: 'RECEIVE_DIFF', key: diffKey('content-1', 1, 2), diff });
    expect(selectors.getDiff(state, 'content-1', 1, 2)).toEqual(diff);
    expect(selectors.getDiff(state, 'content-1', 2, 1)).toBeUndefined();
  });

  it('follows one job per task with its held credits, and forgets it when it ends', () => {
    let state = reducer(undefined, {
      type: 'FOLLOW_JOB',
      taskId: 'task-1',
      jobId: 'job-1',
      kind: 'write',
      heldCredits: 12,
    });
    expect(selectors.getActiveJob(state, 'task-1')).toEqual({
      jobId: 'job-1',
      kind: 'write',
      heldCredits: 12,
      job: undefined,
    });
    state = reducer(state, { type: 'RECEIVE_JOB', job: job(40, 'running') });
    expect(selectors.getActiveJob(state, 'task-1')?.job?.progress).toBe(40);
    state = reducer(state, { type: 'END_JOB', taskId: 'task-1' });
    expect(selectors.getActiveJob(state, 'task-1')).toBeUndefined();
  });

  it('replaces an edited image within its content', () => {
    const image: TContentImage = {
      id: 'img-1',
      contentId: 'content-1',
      role: 'featured',
      position: 0,
      prompt: 'a trail',
      altText: 'A trail',
      title: 'Trail',
      status: 'generated',
      mimeType: 'image/png',
      bytes: 1000,
      width: 1024,
      height: 576,
      error: null,
      jobId: null,
      fileUrl: null,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
    let state = reducer(undefined, { type: 'RECEIVE_IMAGES', contentId: 'content-1', images: [image] });
    state = reducer(state, { type: 'RECEIVE_IMAGE', image: { ...image, altText: 'A runner on a muddy trail' } });
    expect(selectors.getImages(state, 'content-1')?.[0]?.altText).toBe('A runner on a muddy trail');
  });

  it('tracks pending operations; a new operation clears the last error', () => {
    let state = reducer(undefined, { type: 'START_OPERATION', operation: 'write' });
    expect(selectors.isPending(state, 'write')).toBe(true);
    state = reducer(state, { type: 'FAIL_OPERATION', error: { operation: 'write', code: 'X', message: 'No.' } });
    expect(selectors.isPending(state, 'write')).toBe(false);
    expect(selectors.getError(state)?.message).toBe('No.');
    state = reducer(state, { type: 'START_OPERATION', operation: 'images' });
    expect(selectors.getError(state)).toBeNull();
  });
});

describe('errors', () => {
  it('recognizes a refused edit as a version conflict, and nothing else', () => {
    const conflict = toWriterError('edit', {
      success: false,
      code: 'CONFLICT',
      error: 'This edit was made on version 2, but version 3 is current now: reload it and apply your changes again.',
    });
    expect(isVersionConflict(conflict)).toBe(true);
    expect(isVersionConflict({ ...conflict, operation: 'approve' })).toBe(false);
    expect(isVersionConflict(null)).toBe(false);
  });
});

describe('resolvers', () => {
  it("asks for this site's tasks with the status filter and page cursor", async () => {
    apiFetch.mockResolvedValueOnce(envelope({ items: [task('queued')], nextCursor: null }));
    const { state } = await runThunk(resolvers.getTasks({ status: 'queued', cursor: 'c2' }));
    expect(paths()).toEqual(['/igny8/v1/app/writer/tasks?siteId=current&limit=20&status=queued&cursor=c2']);
    expect(selectors.getTasks(state(), { status: 'queued', cursor: 'c2' })?.items).toHaveLength(1);
  });

  it('a content never published has no publication (not an error)', async () => {
    apiFetch.mockRejectedValueOnce({ success: false, code: 'NOT_FOUND', error: 'Content x has never been published.' });
    const { state } = await runThunk(resolvers.getPublication('content-1'));
    expect(selectors.getPublication(state(), 'content-1')).toBeNull();
    expect(selectors.getError(state())).toBeNull();
  });

  it('asks for the diff of two versions', async () => {
    apiFetch.mockResolvedValueOnce(
      envelope({ from: 1, to: 2, fields: [], sections: [], wordsAdded: 0, wordsRemoved: 0 }),
    );
    await runThunk(resolvers.getDiff('content-1', 1, 2));
    expect(paths()).toEqual(['/igny8/v1/app/writer/contents/content-1/diff?from=1&to=2']);
  });
});

describe('thunks', () => {
  it('writeTask holds credits, feeds the progress bar from every poll, then loads the content', async () => {
    vi.useFakeTimers();
    apiFetch
      .mockResolvedValueOnce(envelope({ jobId: 'job-1', status: 'queued', pollUrl: '/x', heldCredits: 12, model: 'm' }))
      .mockResolvedValueOnce(envelope(job(10, 'running')))
      .mockResolvedValueOnce(envelope(job(60, 'running')))
      .mockResolvedValueOnce(envelope(job(100, 'succeeded')))
      .mockResolvedValueOnce(envelope(task('review')))
      .mockResolvedValueOnce(envelope(content(1)));
    const running = runThunk(actions.writeTask('task-1'));
    await vi.runAllTimersAsync();
    const { result, states, state, invalidated } = await running;
    expect(apiFetch.mock.calls[0]?.[0]).toEqual({
      path: '/igny8/v1/app/writer/tasks/task-1/generate',
      method: 'POST',
      data: { regenerate: false },
    });
    expect(paths().slice(1)).toEqual([
      '/igny8/v1/app/jobs/job-1',
      '/igny8/v1/app/jobs/job-1',
      '/igny8/v1/app/jobs/job-1',
      '/igny8/v1/app/writer/tasks/task-1',
      '/igny8/v1/app/writer/tasks/task-1/content',
    ]);
    const seen = states
      .map((s) => selectors.getActiveJob(s, 'task-1'))
      .filter((active) => active?.job)
      .map((active) => [active?.heldCredits, active?.job?.progress]);
    expect(seen).toEqual([
      [12, 10],
      [12, 60],
      [12, 100],
    ]);
    expect(selectors.getActiveJob(state(), 'task-1')).toBeUndefined();
    expect(result?.currentVersion).toBe(1);
    expect(selectors.getContent(state(), 'task-1')?.version.wordCount).toBe(1180);
    expect(selectors.getTask(state(), 'task-1')?.status).toBe('review');
    expect(invalidated).toEqual(expect.arrayContaining(['getTasks', 'getVersions']));
    expect(selectors.isPending(state(), 'write')).toBe(false);
  });

  it("a failed writing job answers null with the job's own words, and the task shows why", async () => {
    apiFetch
      .mockResolvedValueOnce(envelope({ jobId: 'job-1', status: 'queued', pollUrl: '/x', heldCredits: 12, model: 'm' }))
      .mockResolvedValueOnce(envelope(job(30, 'failed')))
      .mockResolvedValueOnce(
        envelope({ ...task('failed'), failureReason: 'The AI provider did not answer: try again.' }),
      );
    const { result, state } = await runThunk(actions.writeTask('task-1', true));
    expect(apiFetch.mock.calls[0]?.[0]).toMatchObject({ data: { regenerate: true } });
    expect(result).toBeNull();
    expect(selectors.getError(state())).toEqual({
      operation: 'write',
      code: 'AI_FAILED',
      message: 'The AI provider did not answer: try again.',
    });
    expect(selectors.getTask(state(), 'task-1')?.failureReason).toBe('The AI provider did not answer: try again.');
    expect(selectors.getActiveJob(state(), 'task-1')).toBeUndefined();
  });

  it('editContent sends only the changed fields with baseVersion and keeps the new version', async () => {
    apiFetch.mockResolvedValueOnce(envelope(content(3)));
    const body = { baseVersion: 2, seoTitle: 'Trail shoe lacing', sections: [{ index: 0, html: '<p>So.</p>' }] };
    const { result, state, invalidated } = await runThunk(actions.editContent('content-1', body));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/writer/contents/content-1',
      method: 'PATCH',
      data: body,
    });
    expect(result?.currentVersion).toBe(3);
    expect(selectors.getContent(state(), 'task-1')?.currentVersion).toBe(3);
    expect(invalidated).toContain('getVersions');
  });

  it('a stale edit leaves a version conflict for the screen to offer a reload', async () => {
    apiFetch.mockRejectedValueOnce({
      success: false,
      code: 'CONFLICT',
      error: 'This edit was made on version 2, but version 3 is current now: reload it and apply your changes again.',
    });
    const { result, state } = await runThunk(actions.editContent('content-1', { baseVersion: 2, title: 'New' }));
    expect(result).toBeNull();
    expect(isVersionConflict(selectors.getError(state()))).toBe(true);
  });

  it('approveContent approves the version shown, accepting a language mismatch only when asked', async () => {
    apiFetch.mockResolvedValueOnce(envelope(content(2, true)));
    const { result } = await runThunk(actions.approveContent('content-1', 2, true));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/writer/contents/content-1/approve',
      method: 'POST',
      data: { version: 2, acceptLanguageMismatch: true },
    });
    expect(result?.approved).toBe(true);
  });

  it('publishContent sends status and terms, follows the job and answers the publication with its link', async () => {
    apiFetch
      .mockResolvedValueOnce(
        envelope({ jobId: 'job-1', status: 'queued', pollUrl: '/x', publication: publication('publishing') }),
      )
      .mockResolvedValueOnce(envelope(job(100, 'succeeded')))
      .mockResolvedValueOnce(envelope(task('published')))
      .mockResolvedValueOnce(envelope(publication('published')));
    const body = { status: 'publish' as const, categories: ['Gear'], tags: ['trail', 'shoes'] };
    const { result, state } = await runThunk(actions.publishContent('task-1', 'content-1', body));
    expect(apiFetch.mock.calls[0]?.[0]).toEqual({
      path: '/igny8/v1/app/publisher/contents/content-1/publish',
      method: 'POST',
      data: body,
    });
    expect(paths().slice(1)).toEqual([
      '/igny8/v1/app/jobs/job-1',
      '/igny8/v1/app/writer/tasks/task-1',
      '/igny8/v1/app/publisher/contents/content-1/publication',
    ]);
    expect(result?.url).toBe('http://site.test/?p=42');
    expect(selectors.getPublication(state(), 'content-1')?.status).toBe('published');
    expect(selectors.getTask(state(), 'task-1')?.status).toBe('published');
  });

  it('makeImages follows the image job and loads the images', async () => {
    apiFetch
      .mockResolvedValueOnce(envelope({ jobId: 'job-1', status: 'queued', pollUrl: '/x', heldCredits: 6, model: 'm' }))
      .mockResolvedValueOnce(envelope(job(100, 'succeeded')))
      .mockResolvedValueOnce(envelope([]))
      .mockResolvedValueOnce(envelope(task('review')));
    const { result } = await runThunk(actions.makeImages('task-1', 'content-1'));
    expect(paths()).toEqual([
      '/igny8/v1/app/writer/contents/content-1/images/generate',
      '/igny8/v1/app/jobs/job-1',
      '/igny8/v1/app/writer/contents/content-1/images',
      '/igny8/v1/app/writer/tasks/task-1',
    ]);
    expect(result).toEqual([]);
  });

  it('makeImages sends the style asked for, and none when it is empty', async () => {
    apiFetch
      .mockResolvedValueOnce(envelope({ jobId: 'job-1', status: 'queued', pollUrl: '/x', heldCredits: 6, model: 'm' }))
      .mockResolvedValueOnce(envelope(job(100, 'succeeded')))
      .mockResolvedValueOnce(envelope([]))
      .mockResolvedValueOnce(envelope(task('review')));
    await runThunk(actions.makeImages('task-1', 'content-1', ' watercolour illustration '));
    expect(apiFetch.mock.calls[0]?.[0]).toMatchObject({ data: { style: 'watercolour illustration' } });
  });

  it('regenerateImage sends only what changed, follows the job and loads the images again', async () => {
    apiFetch
      .mockResolvedValueOnce(envelope({ jobId: 'job-2', status: 'queued', pollUrl: '/x', heldCredits: 3, model: 'm' }))
      .mockResolvedValueOnce(envelope(job(100, 'succeeded')))
      .mockResolvedValueOnce(envelope([]))
      .mockResolvedValueOnce(envelope(task('review')));
    const { result, state } = await runThunk(
      actions.regenerateImage('task-1', 'content-1', 'image-1', { prompt: '', style: 'pencil sketch' }),
    );
    expect(apiFetch.mock.calls[0]?.[0]).toEqual({
      path: '/igny8/v1/app/writer/images/image-1/regenerate',
      method: 'POST',
      data: { style: 'pencil sketch' },
    });
    expect(paths().slice(1)).toEqual([
      '/igny8/v1/app/jobs/job-2',
      '/igny8/v1/app/writer/contents/content-1/images',
      '/igny8/v1/app/writer/tasks/task-1',
    ]);
    expect(result).toEqual([]);
    expect(selectors.isPending(state(), 'images')).toBe(false);
  });

  it('restoreVersion restores as a new version and loads the content and its versions again', async () => {
    apiFetch.mockResolvedValueOnce(envelope(content(3))).mockResolvedValueOnce(envelope(content(3)));
    const { result, invalidated } = await runThunk(actions.restoreVersion('task-1', 'content-1', 1));
    expect(apiFetch.mock.calls[0]?.[0]).toEqual({
      path: '/igny8/v1/app/writer/contents/content-1/restore',
      method: 'POST',
      data: { version: 1 },
    });
    expect(paths()[1]).toBe('/igny8/v1/app/writer/tasks/task-1/content');
    expect(result?.currentVersion).toBe(3);
    expect(invalidated).toEqual(expect.arrayContaining(['getVersions', 'getTasks']));
  });

  it('resumeJob follows a job already running when the screen opened, then loads the task and its content', async () => {
    apiFetch
      .mockResolvedValueOnce(envelope(job(100, 'succeeded')))
      .mockResolvedValueOnce(
        envelope(
          task('review', {
            id: 'content-1',
            currentVersion: 1,
            approvedVersion: null,
            wordCount: 1180,
            languageMatches: true,
            demo: false,
          }),
        ),
      )
      .mockResolvedValueOnce(envelope(content(1)));
    const { result, state, dispatched } = await runThunk(actions.resumeJob('task-1', 'job-1', 'write'));
    expect(paths()).toEqual([
      '/igny8/v1/app/jobs/job-1',
      '/igny8/v1/app/writer/tasks/task-1',
      '/igny8/v1/app/writer/tasks/task-1/content',
    ]);
    expect(dispatched.some((a) => a.type === 'FOLLOW_JOB')).toBe(true);
    expect(result?.status).toBe('succeeded');
    expect(selectors.getContent(state(), 'task-1')?.currentVersion).toBe(1);
    expect(selectors.getActiveJob(state(), 'task-1')).toBeUndefined();
  });

  it('updateAltText sends the alt text of one image', async () => {
    apiFetch.mockResolvedValueOnce(envelope({ id: 'img-1', contentId: 'content-1', altText: 'A runner' }));
    await runThunk(actions.updateAltText('img-1', 'A runner'));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/writer/images/img-1',
      method: 'PATCH',
      data: { altText: 'A runner' },
    });
  });
});

describe('termList', () => {
  it('splits comma-separated names and drops empty ones', () => {
    expect(termList(' Gear, trail running ,, shoes ')).toEqual(['Gear', 'trail running', 'shoes']);
    expect(termList('')).toEqual([]);
  });
});
