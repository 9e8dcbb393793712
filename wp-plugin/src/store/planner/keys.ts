import type { TKeywordFilter } from '@igny8/shared';
import type { KeywordQuery } from './types';

/**
 * The state key of a keyword query or filter: its set values, sorted by name, as JSON. Two queries that differ only
 * in unset fields or field order share a key (and a cached page).
 */
export const queryKey = (query: KeywordQuery | TKeywordFilter): string =>
  JSON.stringify(
    Object.entries(query)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
