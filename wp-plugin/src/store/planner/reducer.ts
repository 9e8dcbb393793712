import { reduceOperations } from '../operations';
import type { PlannerAction, PlannerState } from './types';

export const initialState: PlannerState = {
  sectors: null,
  keywordPages: {},
  keywordCounts: {},
  clusters: {},
  ideas: {},
  imports: {},
  recentImports: null,
  pipeline: null,
  jobs: {},
  pending: [],
  error: null,
};

const reducer = (state: PlannerState = initialState, action: PlannerAction): PlannerState => {
  switch (action.type) {
    case 'RECEIVE_SECTORS':
      return { ...state, sectors: action.sectors };
    case 'RECEIVE_KEYWORD_PAGE':
      return { ...state, keywordPages: { ...state.keywordPages, [action.key]: action.page } };
    case 'RECEIVE_KEYWORD_COUNT':
      return { ...state, keywordCounts: { ...state.keywordCounts, [action.key]: action.total } };
    case 'RECEIVE_CLUSTERS':
      return { ...state, clusters: { ...state.clusters, [action.sectorId]: action.page } };
    case 'RECEIVE_IDEAS':
      return { ...state, ideas: { ...state.ideas, [action.clusterId]: action.ideas } };
    case 'RECEIVE_IDEA': {
      const clusterId = action.idea.clusterId;
      if (!clusterId || !state.ideas[clusterId]) {
        return state;
      }
      return {
        ...state,
        ideas: {
          ...state.ideas,
          [clusterId]: state.ideas[clusterId].map((idea) => (idea.id === action.idea.id ? action.idea : idea)),
        },
      };
    }
    case 'RECEIVE_IMPORT':
      return { ...state, imports: { ...state.imports, [action.keywordImport.id]: action.keywordImport } };
    case 'RECEIVE_RECENT_IMPORTS':
      return { ...state, recentImports: action.imports };
    case 'RECEIVE_PIPELINE':
      return { ...state, pipeline: action.pipeline };
    case 'RECEIVE_JOB':
      return { ...state, jobs: { ...state.jobs, [action.job.id]: action.job } };
    default:
      return reduceOperations(state, action);
  }
};

export default reducer;
