import { Button } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { EmptyState } from './empty-state';

interface NotConnectedProps {
  title: string;
  /** What the screen is for, shown to everyone. */
  intro?: string;
  /** What connecting brings on this screen, shown to those who may connect. */
  adminText?: string;
  /** Whether the user may connect the site (manage_options). */
  canManageConnection: boolean;
  connectionUrl: string;
}

/**
 * What a screen shows before the site is connected: those who may connect get the way to the Connection screen,
 * everyone else is told who connects it.
 */
export function NotConnected({ title, intro, adminText, canManageConnection, connectionUrl }: NotConnectedProps) {
  return (
    <EmptyState
      title={title}
      action={
        canManageConnection ? (
          <Button variant="primary" href={connectionUrl}>
            {__('Go to Connection', 'igny8')}
          </Button>
        ) : undefined
      }
    >
      {intro && <p>{intro}</p>}
      {canManageConnection ? (
        adminText && <p>{adminText}</p>
      ) : (
        <p>{__('An administrator of this site connects it to IGNY8 on the IGNY8 Connection screen.', 'igny8')}</p>
      )}
    </EmptyState>
  );
}
