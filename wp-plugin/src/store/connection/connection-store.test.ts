import { beforeEach, describe, expect, it, vi } from 'vitest';

const apiFetch = vi.fn();
vi.mock('@wordpress/api-fetch', () => ({ default: (options: unknown) => apiFetch(options) }));

const actions = await import('./actions');
const { default: reducer, initialState } = await import('./reducer');
const { readGrantFromUrl } = await import('../../api/connection');
import type { ConnectionAction, ConnectionState, ConnectionStatus, ConnectionThunkArgs } from './types';

const connected: ConnectionStatus = {
  connected: true,
  serverUrl: 'https://app.igny8.example',
  siteId: '0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60',
  accountId: 'a1',
  accountName: 'Acme',
  siteUrl: 'https://blog.example',
  keyId: '0123456789abcdef',
  lastContactAt: null,
  credits: null,
  publisherUser: 'igny8-publisher',
};

/** Runs a thunk against the real reducer. */
const runThunk = async <T>(thunk: (args: ConnectionThunkArgs) => Promise<T>, start: ConnectionState = initialState) => {
  let state = start;
  const dispatched: ConnectionAction[] = [];
  const result = await thunk({
    dispatch: (action: ConnectionAction) => {
      dispatched.push(action);
      state = reducer(state, action);
      return action;
    },
  });
  return { result, state, dispatched };
};

beforeEach(() => apiFetch.mockReset());

describe('Connect to IGNY8', () => {
  it('asks the plugin for the app address and stays pending while the browser goes there', async () => {
    apiFetch.mockResolvedValueOnce({
      url: 'https://app.igny8.example/app/connect?site_url=x&state=y&return_url=z',
      serverUrl: 'https://app.igny8.example',
      expiresAt: '2030-01-01T00:00:00Z',
    });
    const { result, state } = await runThunk(actions.authorize());
    expect(apiFetch).toHaveBeenCalledWith({ path: '/igny8/v1/connection/authorize', method: 'POST', data: {} });
    expect(result).toBe('https://app.igny8.example/app/connect?site_url=x&state=y&return_url=z');
    expect(state.pendingOperation).toBe('authorize');
    expect(state.error).toBeNull();
  });

  it('sends another server only when one was chosen, and keeps a refusal for the screen', async () => {
    apiFetch.mockRejectedValueOnce({
      code: 'igny8_already_connected',
      message: 'This site is already connected.',
      data: { status: 409 },
    });
    const { result, state } = await runThunk(actions.authorize('http://localhost:3000'));
    expect(apiFetch).toHaveBeenCalledWith(expect.objectContaining({ data: { serverUrl: 'http://localhost:3000' } }));
    expect(result).toBeNull();
    expect(state).toMatchObject({
      pendingOperation: null,
      error: { operation: 'authorize', code: 'igny8_already_connected', message: 'This site is already connected.' },
    });
  });

  it('completes the connection with the grant and state that came back', async () => {
    apiFetch.mockResolvedValueOnce(connected);
    const { result, state } = await runThunk(actions.connectWithGrant({ grant: 'igny8cg_abc', state: 'st' }));
    expect(apiFetch).toHaveBeenCalledWith({
      path: '/igny8/v1/connection/grant',
      method: 'POST',
      data: { grant: 'igny8cg_abc', state: 'st' },
    });
    expect(result).toEqual(connected);
    expect(state.status).toEqual(connected);
  });

  it("keeps the plugin's or the server's words when completing fails", async () => {
    apiFetch.mockRejectedValueOnce({
      code: 'igny8_connect_state_mismatch',
      message: 'This link does not belong to the connection you started.',
    });
    const { result, state } = await runThunk(actions.connectWithGrant({ grant: 'g', state: 's' }));
    expect(result).toBeNull();
    expect(state.error).toEqual({
      operation: 'grant',
      code: 'igny8_connect_state_mismatch',
      message: 'This link does not belong to the connection you started.',
    });
  });
});

describe('the address the app sends the browser back to', () => {
  it('reads the grant and state and answers the address without them', () => {
    const { request, cleanUrl } = readGrantFromUrl(
      'https://blog.example/wp-admin/admin.php?page=igny8-connection&igny8_grant=igny8cg_abc&igny8_state=s-1#x',
    );
    expect(request).toEqual({ grant: 'igny8cg_abc', state: 's-1' });
    expect(cleanUrl).toBe('https://blog.example/wp-admin/admin.php?page=igny8-connection#x');
  });

  it('leaves an address without them alone, and passes on a half one for the plugin to refuse', () => {
    const plain = 'https://blog.example/wp-admin/admin.php?page=igny8-connection';
    expect(readGrantFromUrl(plain)).toEqual({ request: null, cleanUrl: plain });
    expect(readGrantFromUrl(`${plain}&igny8_state=s`).request).toEqual({ grant: '', state: 's' });
  });
});
