import { beforeEach, describe, expect, it, vi } from 'vitest';

const apiFetch = vi.fn();
vi.mock('@wordpress/api-fetch', () => ({ default: (options: unknown) => apiFetch(options) }));

const { appPath, CURRENT_SITE, igny8Api, igny8ApiWithMessage, Igny8ApiError, toApiError, unwrap } =
  await import('./client');

beforeEach(() => {
  apiFetch.mockReset();
});

describe('appPath', () => {
  it('puts the server path under the forwarding route, encoding segments and query', () => {
    expect(appPath('planner/keywords')).toBe('/igny8/v1/app/planner/keywords');
    expect(appPath('/sites/current/sectors/')).toBe('/igny8/v1/app/sites/current/sectors');
    expect(
      appPath('planner/keywords', {
        siteId: CURRENT_SITE,
        sort: 'volume desc',
        status: ['new', 'mapped'],
        limit: 50,
        cursor: undefined,
        q: null,
      }),
    ).toBe('/igny8/v1/app/planner/keywords?siteId=current&sort=volume%20desc&status=new&status=mapped&limit=50');
  });

  it('refuses an empty path or a dot segment', () => {
    expect(() => appPath('')).toThrow(Igny8ApiError);
    expect(() => appPath('planner/../members')).toThrow(/invalid/);
  });
});

describe('envelopes and errors', () => {
  it('unwraps data and message', () => {
    expect(unwrap({ success: true, data: { n: 1 }, message: 'Done.' })).toEqual({ data: { n: 1 }, message: 'Done.' });
    expect(unwrap({ success: true, data: null })).toEqual({ data: null, message: undefined });
    expect(() => unwrap('<html>')).toThrow(expect.objectContaining({ code: 'igny8_unexpected_answer' }));
  });

  it("keeps the server's code, message, request id and details", () => {
    const error = toApiError({
      success: false,
      error: 'Some fields are invalid: text is empty.',
      code: 'VALIDATION_FAILED',
      requestId: 'req-1',
      details: { fields: [{ in: 'body', field: 'text', message: 'is empty' }] },
    });
    expect(error).toBeInstanceOf(Igny8ApiError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Some fields are invalid: text is empty.',
      requestId: 'req-1',
      details: { fields: [{ field: 'text' }] },
    });
  });

  it("reads WordPress's and api-fetch's errors", () => {
    expect(
      toApiError({
        code: 'rest_forbidden',
        message: 'Only users who can edit posts can use IGNY8.',
        data: { status: 403 },
      }),
    ).toMatchObject({ code: 'rest_forbidden', status: 403, message: 'Only users who can edit posts can use IGNY8.' });
    expect(toApiError({ code: 'fetch_error', message: 'You are probably offline.' })).toMatchObject({
      code: 'fetch_error',
      status: undefined,
    });
    expect(toApiError(new TypeError('x'))).toMatchObject({
      code: 'unknown_error',
      message: expect.stringMatching(/IGNY8/),
    });
  });
});

describe('igny8Api', () => {
  it('sends method, path, query and JSON body through api-fetch and answers the data', async () => {
    apiFetch.mockResolvedValue({ success: true, data: { jobId: 'j1' }, message: 'Started.' });
    const body = { siteId: CURRENT_SITE, sectorId: 's1', text: 'a\nb' };
    await expect(igny8ApiWithMessage('planner/keywords/import', { method: 'POST', body })).resolves.toEqual({
      data: { jobId: 'j1' },
      message: 'Started.',
    });
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/app/planner/keywords/import',
      method: 'POST',
      data: body,
    });

    apiFetch.mockResolvedValue({ success: true, data: { items: [] } });
    await expect(igny8Api('planner/keywords', { query: { siteId: CURRENT_SITE } })).resolves.toEqual({ items: [] });
    expect(apiFetch).toHaveBeenLastCalledWith({ path: '/igny8/v1/app/planner/keywords?siteId=current', method: 'GET' });
  });

  it('sends an Idempotency-Key header only when one is given', async () => {
    apiFetch.mockResolvedValue({ success: true, data: { jobId: 'j2' } });
    await igny8Api('writer/blocks/rewrite', { method: 'POST', body: {}, idempotencyKey: 'block-run-1' });
    expect(apiFetch).toHaveBeenLastCalledWith({
      path: '/igny8/v1/app/writer/blocks/rewrite',
      method: 'POST',
      data: {},
      headers: { 'Idempotency-Key': 'block-run-1' },
    });
  });

  it('throws the refusal as an Igny8ApiError', async () => {
    const refusal = { success: false, error: 'Keyword k was not found.', code: 'NOT_FOUND' };
    apiFetch.mockImplementation(() => Promise.reject(refusal));
    const thrown = await igny8Api('planner/keywords/k', { method: 'DELETE' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(Igny8ApiError);
    expect([(thrown as Error).name, (thrown as Error).message]).toEqual(['Igny8ApiError', 'Keyword k was not found.']);
    expect((thrown as InstanceType<typeof Igny8ApiError>).code).toBe('NOT_FOUND');
  });
});
