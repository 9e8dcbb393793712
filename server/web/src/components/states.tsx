import { Button, Notice, Spinner } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** Shown while a screen's data loads: a spinner with words for screen readers. */
export function Loading({ label }: { label?: string }) {
  return (
    <div className="igny8-state" role="status" aria-live="polite">
      <Spinner />
      <span>{label ?? __('Loading…', 'igny8')}</span>
    </div>
  );
}

/** Nothing here yet: says so and offers the next step. */
export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="igny8-state igny8-state--empty">
      <h2>{title}</h2>
      {children ? <p>{children}</p> : null}
      {action}
    </div>
  );
}

/** What went wrong in the server's words, what to do, and a way to try again. */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  if (error instanceof ApiError && (error.status === 403 || error.code === 'FORBIDDEN')) {
    return <NotPermitted message={error.message} />;
  }
  const message =
    error instanceof ApiError ? error.message : __('Something went wrong while loading this page.', 'igny8');
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <Notice status="error" isDismissible={false}>
      <p>{message}</p>
      {requestId ? (
        <p className="igny8-muted">
          {__('Reference for support:', 'igny8')} <code>{requestId}</code>
        </p>
      ) : null}
      {retry ? (
        <Button variant="secondary" onClick={retry}>
          {__('Try again', 'igny8')}
        </Button>
      ) : null}
    </Notice>
  );
}

/** The member's role does not allow this: says who can. */
export function NotPermitted({ message }: { message?: string }) {
  return (
    <Notice status="warning" isDismissible={false}>
      <p>
        {message ?? __('Your role in this account does not allow this. Ask an owner or admin of the account.', 'igny8')}
      </p>
    </Notice>
  );
}

/** An error from a form submission, next to the form. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof ApiError ? error.message : String((error as Error).message ?? error);
  return (
    <Notice status="error" isDismissible={false}>
      {message}
    </Notice>
  );
}
