import type { TPage } from '@igny8/shared';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { View } from '@wordpress/dataviews';
import { useEffect, useMemo, useState } from 'react';
import { get } from '../api/client';

/** The value of a DataViews filter on `field` (one value: the server filters on one). */
export function filterValue(view: View, field: string): string | undefined {
  const filter = view.filters?.find((f) => f.field === field);
  const value = Array.isArray(filter?.value) ? filter.value[0] : filter?.value;
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * A server-paginated list (jobs, transactions) behind DataViews' page numbers: the server pages with cursors, so the
 * cursor of each page seen is kept, and there is one more page while the server says so. A change of the filters
 * starts again at page 1. `refetchInterval` may depend on the rows shown (e.g. while a job is running).
 */
export function useServerPages<T>(
  key: string,
  path: string,
  view: View,
  query: Record<string, string | undefined>,
  options: { refetchInterval?: (rows: T[] | undefined) => number | false } = {},
) {
  const signature = JSON.stringify([query, view.perPage]);
  const [cursors, setCursors] = useState<{ signature: string; list: Array<string | undefined> }>({
    signature,
    list: [undefined],
  });
  const list = cursors.signature === signature ? cursors.list : [undefined];
  const page = Math.min(view.page ?? 1, list.length);
  const cursor = list[page - 1];
  const perPage = view.perPage ?? 25;
  const result = useQuery({
    queryKey: [key, path, query, perPage, cursor ?? null],
    queryFn: ({ signal }) => get<TPage<T>>(path, { ...query, limit: perPage, cursor }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => options.refetchInterval?.(q.state.data?.items) ?? false,
  });
  const nextCursor = result.data?.nextCursor ?? null;
  useEffect(() => {
    if (!nextCursor) return;
    setCursors((current) => {
      const base = current.signature === signature ? current.list : [undefined];
      if (base[page] === nextCursor) return current;
      return { signature, list: [...base.slice(0, page), nextCursor] };
    });
  }, [nextCursor, page, signature]);
  const paginationInfo = useMemo(() => {
    const known = Math.max(list.length, page + (nextCursor ? 1 : 0));
    const shown = result.data?.items.length ?? 0;
    return { totalItems: (known - 1) * perPage + (page === known ? shown : perPage), totalPages: known };
  }, [list.length, page, nextCursor, perPage, result.data]);
  return { ...result, rows: result.data?.items ?? [], paginationInfo };
}
