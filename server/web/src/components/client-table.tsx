import { DataViews, type Action, type Field, type View } from '@wordpress/dataviews';
import type { ComponentType } from 'react';
import { useClientView } from '../lib/lists';

/**
 * A DataViews table over rows already in the browser: it keeps its own view (search, filters, sort, page, columns),
 * starting from `initialView`. Rows are told apart by `id` unless `getItemId` says otherwise.
 */
export function ClientTable<T>({
  rows,
  fields,
  initialView,
  actions,
  getItemId = (item: T) => (item as { id: string }).id,
  search = true,
}: {
  rows: T[];
  fields: Array<Field<T>>;
  initialView: View;
  actions?: Array<Action<T>>;
  getItemId?: (item: T) => string;
  search?: boolean;
}) {
  const { view, setView, data, paginationInfo } = useClientView(rows, fields, initialView);
  const props = {
    data,
    fields,
    view,
    onChangeView: setView,
    paginationInfo,
    defaultLayouts: { table: {} },
    ...(actions ? { actions } : {}),
    getItemId,
    search,
  };
  // DataViews types its props by whether T has an id, which TypeScript cannot decide for a generic T; the props below
  // are checked against this component's own typed props, and getItemId is always given.
  const Table = DataViews as unknown as ComponentType<typeof props>;
  return <Table {...props} />;
}
