import { __ } from '@wordpress/i18n';
import { ConnectionPanel } from './connection-panel';
import { PublishingPanel } from './publishing-panel';
import { settingsPage } from './settings-page';
import { UsagePanel } from './usage-panel';
import { WritingPanel } from './writing-panel';

/**
 * IGNY8 > Settings (administrators): the connection at a glance, the publishing defaults (this site's options),
 * the writing defaults and the credits (the server's; they need the connection).
 */
export function SettingsScreen() {
  const { connection } = settingsPage();
  return (
    <div className="igny8-settings">
      <ConnectionPanel />
      <PublishingPanel />
      {connection.connected ? (
        <>
          <WritingPanel />
          <UsagePanel />
        </>
      ) : (
        <p className="description">
          {__('The writing defaults and the credits appear here once this site is connected.', 'igny8')}
        </p>
      )}
    </div>
  );
}
