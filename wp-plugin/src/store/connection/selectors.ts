import type { ConnectionError, ConnectionState, ConnectionStatus } from './types';

/** The connection as last reported by WordPress; `null` until loaded (the resolver fetches it). */
export const getConnection = (state: ConnectionState): ConnectionStatus | null => state.status;

export const isConnected = (state: ConnectionState): boolean => state.status?.connected === true;

export const getPendingOperation = (state: ConnectionState): ConnectionState['pendingOperation'] =>
  state.pendingOperation;

export const getError = (state: ConnectionState): ConnectionError | null => state.error;
