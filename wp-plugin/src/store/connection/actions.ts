import {
  authorizeConnection,
  completeGrant,
  deleteConnection,
  rotateConnectionKey,
  startConnection,
  type ConnectRequest,
  type GrantRequest,
} from '../../api/connection';
import { toConnectionError } from './errors';
import type { ConnectionAction, ConnectionOperation, ConnectionStatus, ConnectionThunkArgs } from './types';

export const receiveConnection = (status: ConnectionStatus): ConnectionAction => ({
  type: 'RECEIVE_CONNECTION',
  status,
});

export const clearError = (): ConnectionAction => ({ type: 'CLEAR_ERROR' });

/**
 * Runs one write request. Resolves to the new status, or to `null` when it failed (the error is then in the
 * store for the screen to show), so callers can react to success without a try/catch of their own.
 */
const runOperation =
  (operation: Exclude<ConnectionOperation, 'load'>, request: () => Promise<ConnectionStatus>) =>
  async ({ dispatch }: ConnectionThunkArgs): Promise<ConnectionStatus | null> => {
    dispatch({ type: 'START_OPERATION', operation });
    try {
      const status = await request();
      dispatch(receiveConnection(status));
      return status;
    } catch (thrown) {
      dispatch({ type: 'FAIL_OPERATION', error: toConnectionError(operation, thrown) });
      return null;
    }
  };

/** Starts the handshake: the plugin registers this site with the server using the account connection key. */
export const connect = (request: ConnectRequest) => runOperation('connect', () => startConnection(request));

/**
 * Connect to IGNY8: asks the plugin for a single-use state and the IGNY8 app's address. Resolves to that address
 * (the operation stays pending while the browser goes there), or to `null` when it failed.
 */
export const authorize =
  (serverUrl?: string) =>
  async ({ dispatch }: ConnectionThunkArgs): Promise<string | null> => {
    dispatch({ type: 'START_OPERATION', operation: 'authorize' });
    try {
      return (await authorizeConnection(serverUrl)).url;
    } catch (thrown) {
      dispatch({ type: 'FAIL_OPERATION', error: toConnectionError('authorize', thrown) });
      return null;
    }
  };

/** Back from the IGNY8 app: completes the handshake with the grant (the plugin checks the state first). */
export const connectWithGrant = (request: GrantRequest) => runOperation('grant', () => completeGrant(request));

/** Revokes the connection on both sides. */
export const disconnect = () => runOperation('disconnect', deleteConnection);

/** Replaces the site's signing key (the server is told, signed with the current key). */
export const rotateKey = () => runOperation('rotate', rotateConnectionKey);
