import type { TPage } from '@igny8/shared';
import { useQuery } from '@tanstack/react-query';
import { filterSortAndPaginate, type Field, type View } from '@wordpress/dataviews';
import { useMemo, useState } from 'react';
import { get } from '../api/client';

/** The most rows a screen loads to sort and filter in the browser (an agency's sites, its members, its keys). */
export const CLIENT_SIDE_LIMIT = 2000;

/**
 * Every page of a cursor-paginated list route, for lists small enough to filter, sort and paginate in the browser
 * with DataViews (sites, members, keys). Larger lists (jobs, transactions) page on the server instead.
 */
export function useWholeList<T>(key: string, path: string, query: Record<string, string | undefined> = {}) {
  return useQuery({
    queryKey: [key, path, query],
    queryFn: async ({ signal }) => {
      const items: T[] = [];
      let cursor: string | undefined;
      do {
        const page = await get<TPage<T>>(path, { ...query, limit: 200, cursor }, signal);
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < CLIENT_SIDE_LIMIT);
      return items;
    },
  });
}

/** A DataViews view kept in state with the rows it shows, filtered, sorted and paginated in the browser. */
export function useClientView<T>(rows: T[] | undefined, fields: Array<Field<T>>, initial: View) {
  const [view, setView] = useState<View>(initial);
  const shown = useMemo(() => filterSortAndPaginate(rows ?? [], view, fields), [rows, view, fields]);
  return { view, setView, data: shown.data, paginationInfo: shown.paginationInfo };
}
