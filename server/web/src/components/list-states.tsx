import type { ReactNode } from 'react';
import { ErrorState, Loading } from './states';

/** What a list query exposes that its screen needs (a @tanstack/react-query result has it). */
interface ListQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * The states every list shares: a spinner while it loads, the error with a way to try again, the empty state with
 * the next step, else the list itself.
 */
export function ListStates({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: ListQuery;
  isEmpty: boolean;
  empty: ReactNode;
  children: ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  return <>{isEmpty ? empty : children}</>;
}
