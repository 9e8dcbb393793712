import type { ConnectionStatus } from '../../api/connection';

export type { ConnectionStatus };

/** A request the screen can start; `load` is the resolver's initial GET. */
export type ConnectionOperation = 'load' | 'connect' | 'authorize' | 'grant' | 'disconnect' | 'rotate';

/** A failed request: `message` comes from the plugin's WP_Error and is shown as is. */
export interface ConnectionError {
  operation: ConnectionOperation;
  code: string;
  message: string;
}

export interface ConnectionState {
  /** `null` until the first GET answers. */
  status: ConnectionStatus | null;
  /** The write request in flight, if any (the screen allows one at a time). */
  pendingOperation: Exclude<ConnectionOperation, 'load'> | null;
  error: ConnectionError | null;
}

export type ConnectionAction =
  | { type: 'RECEIVE_CONNECTION'; status: ConnectionStatus }
  | { type: 'START_OPERATION'; operation: Exclude<ConnectionOperation, 'load'> }
  | { type: 'FAIL_OPERATION'; error: ConnectionError }
  | { type: 'CLEAR_ERROR' };

/** The part of @wordpress/data's thunk arguments these thunks use: dispatching plain actions. */
export interface ConnectionThunkArgs {
  dispatch: (action: ConnectionAction) => unknown;
}
