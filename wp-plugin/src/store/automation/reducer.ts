import type { AutomationAction, AutomationSection, AutomationState } from './types';

export const initialState: AutomationState = {
  automation: null,
  runs: null,
  review: null,
  sectors: null,
  published: [],
  pending: [],
  errors: {},
};

const withoutError = (state: AutomationState, section: AutomationSection): AutomationState['errors'] => {
  const { [section]: _removed, ...rest } = state.errors;
  return rest;
};

const reducer = (state: AutomationState = initialState, action: AutomationAction): AutomationState => {
  switch (action.type) {
    case 'RECEIVE_STATE':
      return { ...state, automation: action.automation };
    case 'RECEIVE_RUN': {
      // A run control answers the run: it stays the active run until it has ended.
      const { automation } = state;
      if (!automation) {
        return state;
      }
      const ended = action.run.status === 'ended';
      return {
        ...state,
        automation: {
          ...automation,
          activeRun: ended ? null : action.run,
          lastRun: ended ? action.run : automation.lastRun,
        },
      };
    }
    case 'RECEIVE_RUNS':
      return {
        ...state,
        runs:
          action.append && state.runs
            ? { items: [...state.runs.items, ...action.page.items], nextCursor: action.page.nextCursor }
            : action.page,
      };
    case 'RECEIVE_REVIEW':
      return {
        ...state,
        review:
          action.append && state.review
            ? { items: [...state.review.items, ...action.page.items], nextCursor: action.page.nextCursor }
            : action.page,
      };
    case 'RECEIVE_SECTORS':
      return { ...state, sectors: action.sectors };
    case 'RECEIVE_PUBLISHED':
      return { ...state, published: action.items };
    case 'START':
      return {
        ...state,
        pending: state.pending.includes(action.operation) ? state.pending : [...state.pending, action.operation],
        errors: withoutError(state, action.section),
      };
    case 'FINISH':
      return { ...state, pending: state.pending.filter((operation) => operation !== action.operation) };
    case 'FAIL':
      return {
        ...state,
        pending: state.pending.filter((operation) => operation !== action.error.operation),
        errors: { ...state.errors, [action.error.section]: action.error },
      };
    case 'CLEAR_ERROR':
      return { ...state, errors: withoutError(state, action.section) };
    default:
      return state;
  }
};

export default reducer;
