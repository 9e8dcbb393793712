import type { JobsAction, JobsState } from './types';

export const initialState: JobsState = { recent: null, error: null };

const reducer = (state: JobsState = initialState, action: JobsAction): JobsState => {
  switch (action.type) {
    case 'RECEIVE_RECENT_JOBS':
      return { recent: action.jobs, error: null };
    case 'FAIL':
      return { ...state, error: action.error };
    case 'CLEAR_ERROR':
      return { ...state, error: null };
    default:
      return state;
  }
};

export default reducer;
