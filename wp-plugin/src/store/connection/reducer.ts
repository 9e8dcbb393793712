import type { ConnectionAction, ConnectionState } from './types';

export const initialState: ConnectionState = {
  status: null,
  pendingOperation: null,
  error: null,
};

const reducer = (state: ConnectionState = initialState, action: ConnectionAction): ConnectionState => {
  switch (action.type) {
    case 'RECEIVE_CONNECTION':
      return { ...state, status: action.status, pendingOperation: null, error: null };
    case 'START_OPERATION':
      return { ...state, pendingOperation: action.operation, error: null };
    case 'FAIL_OPERATION':
      return { ...state, pendingOperation: null, error: action.error };
    case 'CLEAR_ERROR':
      return { ...state, error: null };
    default:
      return state;
  }
};

export default reducer;
