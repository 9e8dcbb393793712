import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  children?: ReactNode;
  /** A call to action (a button). */
  action?: ReactNode;
}

/** What a list shows before it has anything: what goes here and how to get it. */
export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <div className="igny8-empty">
      <h3 className="igny8-empty__title">{title}</h3>
      {children && <div className="igny8-empty__text">{children}</div>}
      {action && <div className="igny8-empty__action">{action}</div>}
    </div>
  );
}
