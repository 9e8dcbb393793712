import { beforeEach, describe, expect, it, vi } from 'vitest';

const apiFetch = vi.fn();
vi.mock('@wordpress/api-fetch', () => ({ default: (options: unknown) => apiFetch(options) }));

const actions = await import('./actions');
const { default: reducer, initialState } = await import('./reducer');
const selectors = await import('./selectors');
const { toSettingsError } = await import('./errors');
import type { PublishingSettings, SettingsAction, SettingsState, SettingsThunkArgs } from './types';

const publishing: PublishingSettings = {
  defaultPostStatus: 'draft',
  defaultAuthor: 7,
  defaultCategory: 3,
  choices: { postStatuses: ['publish', 'draft'], authors: [{ id: 7, name: 'Ana' }], categories: [] },
};

/** Runs a thunk against the real reducer. */
const runThunk = async <T>(thunk: (args: SettingsThunkArgs) => Promise<T>, start: SettingsState = initialState) => {
  let state = start;
  const dispatched: SettingsAction[] = [];
  const result = await thunk({
    dispatch: (action: SettingsAction) => {
      dispatched.push(action);
      state = reducer(state, action);
      return action;
    },
  });
  return { result, state, dispatched };
};

beforeEach(() => apiFetch.mockReset());

describe('settings store', () => {
  it('saves the publishing defaults to igny8/v1/settings and keeps what WordPress answered', async () => {
    apiFetch.mockResolvedValueOnce(publishing);
    const { result, state } = await runThunk(actions.savePublishing({ defaultPostStatus: 'draft', defaultAuthor: 7 }));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/settings',
      method: 'POST',
      data: { defaultPostStatus: 'draft', defaultAuthor: 7 },
    });
    expect(result).toEqual(publishing);
    expect(selectors.getPublishing(state)).toEqual(publishing);
    expect(selectors.getSaving(state)).toBeNull();
  });

  it("shows WordPress's refusal of a field with the field's own message", async () => {
    apiFetch.mockRejectedValueOnce({
      code: 'rest_invalid_param',
      message: 'Invalid parameter(s): defaultAuthor',
      data: {
        status: 400,
        params: { defaultAuthor: 'Default author must be a user of this site who can edit posts.' },
      },
    });
    const { result, state } = await runThunk(actions.savePublishing({ defaultAuthor: 99 }));
    expect(result).toBeNull();
    const error = selectors.getError(state, 'publishing');
    expect(error).toMatchObject({
      operation: 'save',
      code: 'rest_invalid_param',
      message: 'Default author must be a user of this site who can edit posts.',
      fields: { defaultAuthor: 'Default author must be a user of this site who can edit posts.' },
    });
    expect(selectors.getSaving(state)).toBeNull();
  });

  it("patches the server's site with the language and voice, and names a field the server refused", async () => {
    apiFetch.mockResolvedValueOnce({
      success: true,
      data: { id: 's', name: 'S', language: 'pt-BR', timezone: 'UTC', voice: 'Warm.' },
    });
    const saved = await runThunk(actions.saveWriting({ language: 'pt-BR', voice: 'Warm.' }, {}));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/sites/current',
      method: 'PATCH',
      data: { language: 'pt-BR', voice: 'Warm.' },
    });
    expect(selectors.getSite(saved.state)?.voice).toBe('Warm.');

    apiFetch.mockRejectedValueOnce({
      success: false,
      error: 'Some fields are invalid: voice must be at most 2000 characters.',
      code: 'VALIDATION_FAILED',
      requestId: 'req-1',
      details: { fields: [{ in: 'body', field: 'voice', message: 'must be at most 2000 characters' }] },
    });
    const refused = await runThunk(actions.saveWriting({ voice: 'x'.repeat(2001) }, { voice: 'Voice' }));
    expect(refused.result).toBeNull();
    expect(selectors.getError(refused.state, 'writing')).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Some fields are invalid: voice must be at most 2000 characters.',
      fields: { voice: 'Voice must be at most 2000 characters' },
    });
  });

  it('keeps each panel’s error to itself', () => {
    const failed = reducer(initialState, {
      type: 'FAIL',
      error: toSettingsError('usage', 'load', { code: 'rest_forbidden', message: 'Only administrators…' }),
    });
    expect(selectors.getError(failed, 'usage')?.message).toBe('Only administrators…');
    expect(selectors.getError(failed, 'publishing')).toBeNull();
    expect(selectors.getError(reducer(failed, { type: 'CLEAR_ERROR', section: 'usage' }), 'usage')).toBeNull();
  });
});
