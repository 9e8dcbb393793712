import { beforeEach, describe, expect, it, vi } from 'vitest';

const apiFetch = vi.fn();
vi.mock('@wordpress/api-fetch', () => ({ default: (options: unknown) => apiFetch(options) }));

const actions = await import('./actions');
const { default: reducer, initialState } = await import('./reducer');
const selectors = await import('./selectors');
import type { TAutomationReviewItem, TAutomationRun, TAutomationState, TPage } from '@igny8/shared';
import type { AutomationAction, AutomationState, AutomationThunkArgs, SettingsDraft } from './types';

const SITE = '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5';
const RUN = '0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60';

const run = (status: TAutomationRun['status'], stopReason: TAutomationRun['stopReason'] = null): TAutomationRun => ({
  id: RUN,
  siteId: SITE,
  trigger: 'manual',
  status,
  stopReason,
  stopDetail: null,
  stages: [{ stage: 'cluster', status: 'running', in: 10, out: 2, failed: 0, running: 1 }],
  itemsProcessed: 2,
  creditsHeld: 5,
  creditsUsed: 1,
  jobId: null,
  createdAt: '2026-12-07T10:00:00Z',
  startedAt: '2026-12-07T10:00:01Z',
  endedAt: status === 'ended' ? '2026-12-07T10:03:00Z' : null,
});

const automation = (activeRun: TAutomationRun | null): TAutomationState =>
  ({
    siteId: SITE,
    settings: { autoApprove: true } as TAutomationState['settings'],
    timezone: 'Europe/Lisbon',
    nextRunAt: null,
    activeRun,
    lastRun: null,
    creditsThisMonth: 0,
    reviewCount: 1,
  }) as TAutomationState;

const reviewItem: TAutomationReviewItem = {
  contentId: '1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
  taskId: '2d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
  title: 'How to lace trail shoes',
  primaryKeyword: 'lace trail shoes',
  currentVersion: 1,
  wordCount: 1180,
  imageCount: 2,
  updatedAt: '2026-12-07T10:02:00Z',
};

const ok = (data: unknown) => ({ success: true, data });

/** Runs a thunk against the real reducer, recording what it invalidated. */
const runThunk = async <T>(thunk: (args: AutomationThunkArgs) => Promise<T>, start: AutomationState = initialState) => {
  let state = start;
  const invalidated: string[] = [];
  const dispatch = Object.assign(
    (action: AutomationAction) => {
      state = reducer(state, action);
      return action;
    },
    { invalidateResolutionForStoreSelector: (selector: string) => invalidated.push(selector) },
  );
  const select = { getState: () => selectors.getState(state), getReview: () => selectors.getReview(state) };
  const result = await thunk({ dispatch, select });
  return { result, state: () => state, invalidated };
};

beforeEach(() => apiFetch.mockReset());

describe('automation store', () => {
  it('saves the whole form with one PUT and keeps what the server answered', async () => {
    apiFetch.mockResolvedValueOnce(ok(automation(null)));
    const draft = { autoApprove: true, batchSizes: { cluster: 20 } } as unknown as SettingsDraft;
    const { result, state } = await runThunk(actions.saveSettings(draft, {}));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/sites/current/automation',
      method: 'PUT',
      data: draft,
    });
    expect(result?.timezone).toBe('Europe/Lisbon');
    expect(selectors.getState(state())?.settings.autoApprove).toBe(true);
    expect(selectors.isPending(state(), 'save')).toBe(false);
  });

  it('reads an empty list of sector overrides (as PHP forwards `{}`) as no overrides', async () => {
    const forwarded = { ...automation(null), settings: { autoApprove: true, sectorOverrides: [] } };
    apiFetch.mockResolvedValueOnce(ok(forwarded));
    const start = reducer(initialState, { type: 'RECEIVE_STATE', automation: automation(run('running')) });
    const { state } = await runThunk(actions.refreshState(), start);
    expect(selectors.getState(state())?.settings.sectorOverrides).toEqual({});
    const { asAutomationState } = await import('./api');
    const withOverride = { ...automation(null), settings: { sectorOverrides: { a: { enabled: false } } } };
    expect(asAutomationState(withOverride as unknown as TAutomationState)).toBe(withOverride);
  });

  it('puts each field the server refused under its own path, named as the form names it', async () => {
    apiFetch.mockRejectedValueOnce({
      success: false,
      error: 'Some fields are invalid.',
      code: 'VALIDATION_FAILED',
      requestId: 'req-1',
      details: {
        fields: [
          { in: 'body', field: 'batchSizes.cluster', message: 'must be at most 5000' },
          { in: 'body', field: 'schedule.cron', message: 'is required when the frequency is custom' },
        ],
      },
    });
    const draft = { batchSizes: { cluster: 9000 } } as unknown as SettingsDraft;
    const { result, state } = await runThunk(
      actions.saveSettings(draft, { 'batchSizes.cluster': 'Keywords clustered per run' }),
    );
    expect(result).toBeNull();
    expect(selectors.getError(state(), 'settings')).toMatchObject({
      operation: 'save',
      code: 'VALIDATION_FAILED',
      fields: {
        'batchSizes.cluster': 'Keywords clustered per run must be at most 5000',
        'schedule.cron': 'schedule.cron is required when the frequency is custom',
      },
    });
    expect(selectors.getError(state(), 'run')).toBeNull();
  });

  it('starts a run with an Idempotency-Key and follows it as the active run', async () => {
    apiFetch.mockResolvedValueOnce(ok(run('queued'))).mockResolvedValueOnce(ok(automation(run('running'))));
    const start = reducer(initialState, { type: 'RECEIVE_STATE', automation: automation(null) });
    const { result, state, invalidated } = await runThunk(actions.runNow(), start);
    expect(result).toBe(true);
    const [call] = apiFetch.mock.calls[0] as [{ path: string; method: string; headers: Record<string, string> }];
    expect(call.path).toBe('/igny8/v1/app/sites/current/automation/runs');
    expect(call.method).toBe('POST');
    expect(call.headers['Idempotency-Key']).toMatch(/^igny8-automation-[0-9a-f]{32}$/);
    expect(selectors.getState(state())?.activeRun?.status).toBe('running');
    expect(invalidated).toContain('getRuns');
  });

  it('reads the history and the review queue again when the active run has ended', async () => {
    const start = reducer(initialState, { type: 'RECEIVE_STATE', automation: automation(run('running')) });
    apiFetch.mockResolvedValueOnce(ok(automation(run('running'))));
    const still = await runThunk(actions.refreshState(), start);
    expect(still.invalidated).toEqual([]);
    apiFetch.mockResolvedValueOnce(ok(automation(run('paused'))));
    const paused = await runThunk(actions.refreshState(), start);
    expect(paused.invalidated).toEqual(['getRuns']);
    apiFetch.mockResolvedValueOnce(ok({ ...automation(null), lastRun: run('ended', 'done') }));
    const ended = await runThunk(actions.refreshState(), start);
    expect(ended.invalidated).toEqual(['getRuns', 'getReview']);
    expect(selectors.getState(ended.state())?.lastRun?.stopReason).toBe('done');
  });

  it('pauses, resumes and cancels the active run through its own path', async () => {
    const start = reducer(initialState, { type: 'RECEIVE_STATE', automation: automation(run('running')) });
    apiFetch.mockResolvedValueOnce(ok(run('pausing')));
    const paused = await runThunk(actions.controlRun(RUN, 'pause'), start);
    expect(apiFetch.mock.calls[0]?.[0]).toMatchObject({ path: `/igny8/v1/app/automation/runs/${RUN}/pause` });
    expect(selectors.getState(paused.state())?.activeRun?.status).toBe('pausing');
    expect(paused.invalidated).toEqual(['getRuns']);
    apiFetch.mockResolvedValueOnce(ok(run('running')));
    const resumed = await runThunk(actions.controlRun(RUN, 'resume'), paused.state());
    expect(apiFetch.mock.calls[1]?.[0]).toMatchObject({ path: `/igny8/v1/app/automation/runs/${RUN}/resume` });
    expect(selectors.getState(resumed.state())?.activeRun?.status).toBe('running');
    apiFetch.mockResolvedValueOnce(ok(run('ended', 'cancelled')));
    const cancelled = await runThunk(actions.controlRun(RUN, 'cancel'), paused.state());
    expect(selectors.getState(cancelled.state())?.activeRun).toBeNull();
    expect(selectors.getState(cancelled.state())?.lastRun?.stopReason).toBe('cancelled');
    expect(cancelled.invalidated).toEqual(['getRuns', 'getReview']);
  });

  it('appends the next page of runs', () => {
    const first: TPage<TAutomationRun> = { items: [run('ended', 'done')], nextCursor: 'c1' };
    const second: TPage<TAutomationRun> = { items: [{ ...run('ended', 'failed'), id: 'r2' }], nextCursor: null };
    const state = reducer(reducer(initialState, { type: 'RECEIVE_RUNS', page: first, append: false }), {
      type: 'RECEIVE_RUNS',
      page: second,
      append: true,
    });
    expect(selectors.getRuns(state)?.items.map((item) => item.stopReason)).toEqual(['done', 'failed']);
    expect(selectors.getRuns(state)?.nextCursor).toBeNull();
  });

  it('appends the next page of the review queue', async () => {
    const start = reducer(initialState, { type: 'RECEIVE_REVIEW', page: { items: [reviewItem], nextCursor: 'c1' } });
    const next = { ...reviewItem, contentId: 'c2' };
    apiFetch.mockResolvedValueOnce(ok({ items: [next], nextCursor: null }));
    const { state } = await runThunk(actions.loadMoreReview('c1'), start);
    expect(apiFetch.mock.calls[0]?.[0]).toMatchObject({
      path: '/igny8/v1/app/sites/current/automation/review?limit=20&cursor=c1',
    });
    expect(selectors.getReview(state())?.items.map((item) => item.contentId)).toEqual([reviewItem.contentId, 'c2']);
    expect(selectors.getReview(state())?.nextCursor).toBeNull();
  });

  it('publishes from the review queue and keeps each outcome with its title', async () => {
    const start = reducer(initialState, { type: 'RECEIVE_REVIEW', page: { items: [reviewItem], nextCursor: null } });
    apiFetch.mockResolvedValueOnce(
      ok({
        items: [
          { contentId: reviewItem.contentId, jobId: RUN, scheduledAt: '2026-12-08T09:00:00Z', error: null },
          {
            contentId: '9d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
            jobId: null,
            scheduledAt: null,
            error: { code: 'NOT_FOUND', message: 'Content 9d2e… was not found.' },
          },
        ],
      }),
    );
    const ids = [reviewItem.contentId, '9d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5'];
    const { result, state, invalidated } = await runThunk(actions.publishReview(ids), start);
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/sites/current/automation/review/publish',
      method: 'POST',
      data: { contentIds: ids },
    });
    expect(result?.map((item) => item.title)).toEqual([
      'How to lace trail shoes',
      '9d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
    ]);
    expect(selectors.getPublished(state())[0]).toMatchObject({ taskId: reviewItem.taskId, error: null });
    expect(invalidated).toEqual(['getReview', 'getState']);
  });

  it('keeps a refused publish in the review section only', async () => {
    apiFetch.mockRejectedValueOnce({ code: 'rest_forbidden', message: 'Only administrators…', data: { status: 403 } });
    const { result, state } = await runThunk(actions.publishReview(['x']));
    expect(result).toBeNull();
    expect(selectors.getError(state(), 'review')?.message).toBe('Only administrators…');
    expect(selectors.isPending(state(), 'publish')).toBe(false);
    const cleared = reducer(state(), actions.clearError('review'));
    expect(selectors.getError(cleared, 'review')).toBeNull();
  });
});
