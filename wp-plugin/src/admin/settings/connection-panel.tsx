import { Button, Card, CardBody, CardHeader } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { settingsPage } from './settings-page';

/** The connection at a glance; it is managed on IGNY8 > Connection. */
export function ConnectionPanel() {
  const { connection, connectionUrl } = settingsPage();
  const rows: { label: string; value: string }[] = connection.connected
    ? [
        { label: __('Status', 'igny8'), value: __('Connected', 'igny8') },
        { label: __('IGNY8 account', 'igny8'), value: connection.accountName ?? __('Unknown', 'igny8') },
        { label: __('IGNY8 server', 'igny8'), value: connection.serverUrl ?? __('Unknown', 'igny8') },
        { label: __('This site', 'igny8'), value: connection.siteUrl },
        {
          label: __('Last contact', 'igny8'),
          value: connection.lastContactAt
            ? new Date(connection.lastContactAt).toLocaleString()
            : __('Not yet', 'igny8'),
        },
        {
          label: __('Publishes as', 'igny8'),
          value: connection.publisherUser ?? __('Unknown', 'igny8'),
        },
      ]
    : [{ label: __('Status', 'igny8'), value: __('Not connected', 'igny8') }];
  return (
    <section aria-labelledby="igny8-settings-connection">
      <Card className="igny8-settings__panel">
        <CardHeader>
          <h2 id="igny8-settings-connection">{__('Connection', 'igny8')}</h2>
        </CardHeader>
        <CardBody>
          <dl className="igny8-settings__facts" aria-labelledby="igny8-settings-connection">
            {rows.map((row) => (
              <div key={row.label}>
                <dt>{row.label}</dt>
                <dd>{row.value}</dd>
              </div>
            ))}
          </dl>
          {!connection.connected && (
            <p>
              {__('Connect this site to an IGNY8 account to set its writing defaults and see its credits.', 'igny8')}
            </p>
          )}
          <Button variant="secondary" href={connectionUrl}>
            {connection.connected ? __('Manage the connection', 'igny8') : __('Go to Connection', 'igny8')}
          </Button>
        </CardBody>
      </Card>
    </section>
  );
}
