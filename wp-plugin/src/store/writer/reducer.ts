import { reduceOperations } from '../operations';
import type { WriterAction, WriterState } from './types';

export const initialState: WriterState = {
  tasks: {},
  tasksById: {},
  contents: {},
  versions: {},
  diffs: {},
  images: {},
  publications: {},
  jobs: {},
  activeJobs: {},
  pending: [],
  error: null,
};

const reducer = (state: WriterState = initialState, action: WriterAction): WriterState => {
  switch (action.type) {
    case 'RECEIVE_TASKS': {
      const tasksById = { ...state.tasksById };
      for (const task of action.page.items) {
        tasksById[task.id] = task;
      }
      return { ...state, tasks: { ...state.tasks, [action.key]: action.page }, tasksById };
    }
    case 'RECEIVE_TASK':
      return { ...state, tasksById: { ...state.tasksById, [action.task.id]: action.task } };
    case 'RECEIVE_CONTENT':
      return {
        ...state,
        contents: { ...state.contents, [action.content.taskId]: action.content },
        tasksById: { ...state.tasksById, [action.content.taskId]: action.content.task },
      };
    case 'RECEIVE_VERSIONS':
      return { ...state, versions: { ...state.versions, [action.contentId]: action.versions } };
    case 'RECEIVE_DIFF':
      return { ...state, diffs: { ...state.diffs, [action.key]: action.diff } };
    case 'RECEIVE_IMAGES':
      return { ...state, images: { ...state.images, [action.contentId]: action.images } };
    case 'RECEIVE_IMAGE': {
      const list = state.images[action.image.contentId];
      if (!list) {
        return state;
      }
      return {
        ...state,
        images: {
          ...state.images,
          [action.image.contentId]: list.map((image) => (image.id === action.image.id ? action.image : image)),
        },
      };
    }
    case 'RECEIVE_PUBLICATION':
      return { ...state, publications: { ...state.publications, [action.contentId]: action.publication } };
    case 'RECEIVE_JOB':
      return { ...state, jobs: { ...state.jobs, [action.job.id]: action.job } };
    case 'FOLLOW_JOB':
      return {
        ...state,
        activeJobs: {
          ...state.activeJobs,
          [action.taskId]: { jobId: action.jobId, kind: action.kind, heldCredits: action.heldCredits },
        },
      };
    case 'END_JOB': {
      const activeJobs = { ...state.activeJobs };
      delete activeJobs[action.taskId];
      return { ...state, activeJobs };
    }
    default:
      return reduceOperations(state, action);
  }
};

export default reducer;
