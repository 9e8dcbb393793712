import type { TaskQuery } from './types';

/** The state key of a task query: its set values, sorted by name, as JSON. */
export const taskKey = (query: TaskQuery): string =>
  JSON.stringify(
    Object.entries(query)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

/** The state key of a diff. */
export const diffKey = (contentId: string, from: number, to: number): string => `${contentId}:${from}:${to}`;
