import { beforeEach, describe, expect, it, vi } from 'vitest';

const apiFetch = vi.fn();
vi.mock('@wordpress/api-fetch', () => ({ default: (options: unknown) => apiFetch(options) }));

const actions = await import('./actions');
const { queryKey } = await import('./keys');
const { default: reducer, initialState } = await import('./reducer');
const selectors = await import('./selectors');
const { toPlannerError } = await import('./errors');
const { Igny8ApiError } = await import('../../api/client');
import type { TIdea, TJobRun } from '@igny8/shared';
import { jobRunFixture } from '../jobs/job-run.fixture';
import type { PlannerAction, PlannerState, PlannerThunkArgs } from './types';

const job = (progress: number, status: TJobRun['status']): TJobRun =>
  jobRunFixture({
    type: 'planner.import',
    status,
    progress,
    error: status === 'failed' ? { code: 'IMPORT_FAILED', message: 'The file has no keyword column.' } : null,
  });

const envelope = (data: unknown) => ({ success: true, data });

/** Runs a thunk against a real reducer, recording actions and invalidated selectors. */
const runThunk = async <T>(thunk: (args: PlannerThunkArgs) => Promise<T>) => {
  let state: PlannerState = initialState;
  const dispatched: PlannerAction[] = [];
  const invalidated: string[] = [];
  const dispatch = Object.assign(
    (action: PlannerAction) => {
      dispatched.push(action);
      state = reducer(state, action);
    },
    { invalidateResolutionForStoreSelector: (selector: string) => invalidated.push(selector) },
  );
  const result = await thunk({ dispatch, select: { getJob: (id: string) => state.jobs[id] } });
  return { result, state: () => state, dispatched, invalidated };
};

beforeEach(() => {
  apiFetch.mockReset();
  vi.useRealTimers();
});

describe('queryKey', () => {
  it('ignores unset fields and field order', () => {
    expect(queryKey({ sectorId: 's', q: undefined, intent: 'commercial' })).toBe(
      queryKey({ intent: 'commercial', sectorId: 's', status: undefined }),
    );
    expect(queryKey({ sectorId: 's', q: '' })).toBe(queryKey({ sectorId: 's' }));
    expect(queryKey({ sectorId: 's', cursor: 'c2' })).not.toBe(queryKey({ sectorId: 's' }));
  });
});

describe('reducer and selectors', () => {
  it('keeps keyword pages and counts by their query, and finds them with the same query in another order', () => {
    let state = reducer(undefined, {
      type: 'RECEIVE_KEYWORD_PAGE',
      key: queryKey({ sectorId: 's', limit: 50 }),
      page: { items: [], nextCursor: 'next' },
    });
    state = reducer(state, { type: 'RECEIVE_KEYWORD_COUNT', key: queryKey({ sectorId: 's' }), total: 200 });
    expect(selectors.getKeywords(state, { limit: 50, sectorId: 's', cursor: undefined })).toEqual({
      items: [],
      nextCursor: 'next',
    });
    expect(selectors.getKeywordCount(state, { sectorId: 's' })).toBe(200);
    expect(selectors.getKeywordCount(state, { sectorId: 'other' })).toBeUndefined();
  });

  it('tracks pending operations and the last error, which a new operation clears', () => {
    let state = reducer(undefined, { type: 'START_OPERATION', operation: 'import' });
    state = reducer(state, { type: 'START_OPERATION', operation: 'cluster' });
    expect(selectors.isPending(state, 'import')).toBe(true);
    state = reducer(state, { type: 'FAIL_OPERATION', error: { operation: 'import', code: 'X', message: 'No.' } });
    expect(selectors.isPending(state, 'import')).toBe(false);
    expect(selectors.isPending(state, 'cluster')).toBe(true);
    expect(selectors.getError(state)?.message).toBe('No.');
    state = reducer(state, { type: 'START_OPERATION', operation: 'bulk' });
    expect(selectors.getError(state)).toBeNull();
  });

  it('replaces a reviewed idea within its cluster', () => {
    const idea: TIdea = {
      id: 'i1',
      siteId: 'site-1',
      sectorId: 'sector-1',
      clusterId: 'c1',
      title: 'How to lace trail shoes',
      angle: '',
      contentType: 'how_to',
      outline: [],
      primaryKeyword: 'lace trail shoes',
      secondaryKeywords: [],
      intent: 'informational' as const,
      targetWordCount: 1500,
      status: 'new',
      jobId: null,
      demo: false,
      taskId: null,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
    let state = reducer(undefined, { type: 'RECEIVE_IDEAS', clusterId: 'c1', ideas: [idea, { ...idea, id: 'i2' }] });
    state = reducer(state, { type: 'RECEIVE_IDEA', idea: { ...idea, status: 'approved' } });
    expect(selectors.getIdeas(state, 'c1')?.map((i) => [i.id, i.status])).toEqual([
      ['i1', 'approved'],
      ['i2', 'new'],
    ]);
  });
});

describe('toPlannerError', () => {
  it("adds the fields a validation failure names to the server's message", () => {
    const error = toPlannerError(
      'import',
      new Igny8ApiError('VALIDATION_FAILED', 'The request is invalid.', {
        details: { fields: [{ in: 'body', field: 'text', message: 'is empty: paste at least one keyword' }] },
      }),
    );
    expect(error).toEqual({
      operation: 'import',
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid. (text is empty: paste at least one keyword)',
    });
  });

  it("keeps the plugin's own refusal as it is", () => {
    expect(
      toPlannerError('load', {
        code: 'igny8_not_connected',
        message: 'This site is not connected to IGNY8.',
        data: { status: 409 },
      }),
    ).toEqual({ operation: 'load', code: 'igny8_not_connected', message: 'This site is not connected to IGNY8.' });
  });
});

describe('thunks', () => {
  it('startImport sends the file text for this site and answers the import', async () => {
    apiFetch.mockResolvedValueOnce(
      envelope({ importId: 'imp-1', status: 'queued', format: 'csv', jobId: 'job-1', pollUrl: '/x' }),
    );
    const { result, state } = await runThunk(actions.startImport('sector-1', 'keyword\nshoes\n'));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/planner/keywords/import',
      method: 'POST',
      data: { siteId: 'current', sectorId: 'sector-1', text: 'keyword\nshoes\n' },
    });
    expect(result).toMatchObject({ importId: 'imp-1', jobId: 'job-1' });
    expect(selectors.isPending(state(), 'import')).toBe(false);
  });

  it('followImport polls the job through every progress value to the end, then keeps the import', async () => {
    vi.useFakeTimers();
    apiFetch
      .mockResolvedValueOnce(envelope(job(10, 'running')))
      .mockResolvedValueOnce(envelope(job(60, 'running')))
      .mockResolvedValueOnce(envelope(job(100, 'succeeded')))
      .mockResolvedValueOnce(envelope({ id: 'imp-1', status: 'succeeded', rowsTotal: 200, rowsInserted: 200 }));
    const running = runThunk(actions.followImport('imp-1', 'job-1'));
    await vi.runAllTimersAsync();
    const { result, dispatched, invalidated, state } = await running;
    expect(dispatched.filter((a) => a.type === 'RECEIVE_JOB').map((a) => (a as { job: TJobRun }).job.progress)).toEqual(
      [10, 60, 100],
    );
    expect(apiFetch.mock.calls.map(([options]) => (options as { path: string }).path)).toEqual([
      '/igny8/v1/app/jobs/job-1',
      '/igny8/v1/app/jobs/job-1',
      '/igny8/v1/app/jobs/job-1',
      '/igny8/v1/app/planner/imports/imp-1',
    ]);
    expect(result).toMatchObject({ rowsInserted: 200 });
    expect(selectors.getJob(state(), 'job-1')?.progress).toBe(100);
    expect(invalidated).toEqual(expect.arrayContaining(['getKeywords', 'getKeywordCount', 'getClusters']));
  });

  it("followClustering answers null and keeps the job's own message when the job failed", async () => {
    apiFetch.mockResolvedValueOnce(envelope(job(40, 'failed')));
    const { result, state } = await runThunk(actions.followClustering('job-1'));
    expect(result).toBeNull();
    expect(selectors.getError(state())).toEqual({
      operation: 'cluster',
      code: 'IMPORT_FAILED',
      message: 'The file has no keyword column.',
    });
  });

  it('bulkKeywords sends the listed keywords with the action and refreshes the lists', async () => {
    apiFetch.mockResolvedValueOnce(envelope({ affected: 2 }));
    const { result, invalidated } = await runThunk(
      actions.bulkKeywords(['k1', 'k2'], { action: 'set_status', status: 'ignored' }),
    );
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/planner/keywords/bulk',
      method: 'POST',
      data: { siteId: 'current', keywordIds: ['k1', 'k2'], action: 'set_status', status: 'ignored' },
    });
    expect(result).toEqual({ affected: 2 });
    expect(invalidated).toContain('getKeywords');
  });

  it('createSector adds a sector to this site and loads the sectors again', async () => {
    apiFetch.mockResolvedValueOnce(envelope({ id: 'sector-9', name: 'Trail running' }));
    const { result, invalidated } = await runThunk(actions.createSector('Trail running'));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/sites/current/sectors',
      method: 'POST',
      data: { name: 'Trail running' },
    });
    expect(result).toEqual({ id: 'sector-9', name: 'Trail running' });
    expect(invalidated).toEqual(['getSectors']);
  });

  it('createSector keeps a refusal as the sector operation error and loads nothing again', async () => {
    apiFetch.mockRejectedValueOnce({
      success: false,
      code: 'FORBIDDEN',
      error: 'WordPress sites cannot call this route; use an IGNY8 account user or API key.',
    });
    const { result, state, invalidated } = await runThunk(actions.createSector('Trail running'));
    expect(result).toBeNull();
    expect(invalidated).toEqual([]);
    expect(selectors.getError(state())).toMatchObject({ operation: 'sector', code: 'FORBIDDEN' });
  });

  it('startClustering sends the granularity with a lexical run, and none with an AI run', async () => {
    apiFetch.mockResolvedValue(envelope({ jobId: 'job-9', keywordCount: 12, heldCredits: 0 }));
    const { result } = await runThunk(actions.startClustering('sector-1', 'lexical', 5));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/planner/clusters/run',
      method: 'POST',
      data: { siteId: 'current', sectorId: 'sector-1', method: 'lexical', options: { granularity: 5 } },
    });
    expect(result).toMatchObject({ jobId: 'job-9' });
    apiFetch.mockClear();
    await runThunk(actions.startClustering('sector-1', 'ai', 1));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/planner/clusters/run',
      method: 'POST',
      data: { siteId: 'current', sectorId: 'sector-1', method: 'ai' },
    });
  });

  it("a refused request leaves the server's message in the store and answers null", async () => {
    apiFetch.mockRejectedValueOnce({
      success: false,
      code: 'INSUFFICIENT_CREDITS',
      error: 'This run needs 12 credits and the account has 3. Add credits and try again.',
    });
    const { result, state } = await runThunk(actions.startIdeas('c1', 5));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/planner/clusters/c1/ideas/generate',
      method: 'POST',
      data: { count: 5 },
    });
    expect(result).toBeNull();
    expect(selectors.getError(state())).toMatchObject({ operation: 'generate', code: 'INSUFFICIENT_CREDITS' });
  });
});
