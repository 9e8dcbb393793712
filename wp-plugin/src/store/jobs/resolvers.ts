import { refreshRecentJobs } from './actions';

export const getRecentJobs = () => refreshRecentJobs();
