import { Button, Card, CardBody, CardHeader, Flex, Spinner, TextControl } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { store as connectionStore, type ConnectionOperation, type ConnectionStatus } from '../../store/connection';

interface ConnectFormProps {
  status: ConnectionStatus;
  pendingOperation: ConnectionOperation | null;
  /** Move focus to the heading when this form replaces the connected card after a disconnect. */
  focusHeadingOnMount: boolean;
  onConnected: (status: ConnectionStatus) => void;
}

/**
 * Not connected: "Connect to IGNY8" sends the browser to the IGNY8 app, where the user signs in and approves;
 * the app sends it back here with a grant the plugin redeems (connection-screen.tsx). The manual key stays for
 * sites nobody can click through (headless setups).
 */
export function ConnectForm({ status, pendingOperation, focusHeadingOnMount, onConnected }: ConnectFormProps) {
  const { connect, authorize } = useDispatch(connectionStore);
  const configuredServer = status.serverUrl ?? '';
  const [serverUrl, setServerUrl] = useState(configuredServer);
  const [isChangingServer, setChangingServer] = useState(false);
  const [connectionKey, setConnectionKey] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isPending = pendingOperation !== null;

  useEffect(() => {
    if (focusHeadingOnMount) {
      headingRef.current?.focus();
    }
  }, [focusHeadingOnMount]);

  const canSubmitKey = serverUrl.trim() !== '' && connectionKey.trim() !== '';

  const connectToIgny8 = async () => {
    if (isPending) {
      return;
    }
    const chosen = serverUrl.trim();
    const url = await authorize(chosen !== '' && chosen !== configuredServer ? chosen : undefined);
    if (url) {
      window.location.assign(url);
    }
  };

  const submitKey = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    if (!canSubmitKey || isPending) {
      return;
    }
    const connected = await connect({ serverUrl: serverUrl.trim(), connectionKey: connectionKey.trim() });
    if (connected) {
      onConnected(connected);
    }
  };

  return (
    <Card>
      <CardHeader>
        <h2 className="igny8-connection__title" ref={headingRef} tabIndex={-1}>
          {__('Connect this site', 'igny8')}
        </h2>
      </CardHeader>
      <CardBody>
        <p>
          {__('Connect this site to your IGNY8 account so IGNY8 can publish the content you approve here.', 'igny8')}
        </p>
        <p>
          {sprintf(
            /* translators: %s: the site's home URL. */
            __('IGNY8 will reach this site at %s.', 'igny8'),
            status.siteUrl,
          )}
        </p>
        <Flex justify="flex-start" align="center" className="igny8-connection__one-click">
          <Button
            variant="primary"
            onClick={connectToIgny8}
            isBusy={pendingOperation === 'authorize'}
            aria-disabled={isPending}
          >
            {__('Connect to IGNY8', 'igny8')}
          </Button>
          {pendingOperation === 'authorize' && <Spinner />}
        </Flex>
        <p className="igny8-connection__hint">
          {sprintf(
            /* translators: %s: the IGNY8 server's address. */
            __(
              'You will sign in to IGNY8 at %s (or create an account there), approve the connection, and come back here connected.',
              'igny8',
            ),
            serverUrl.trim() || configuredServer,
          )}{' '}
          {!isChangingServer && (
            <Button variant="link" onClick={() => setChangingServer(true)}>
              {__('Use another IGNY8 server', 'igny8')}
            </Button>
          )}
        </p>
        {isChangingServer && (
          <TextControl
            label={__('IGNY8 server address', 'igny8')}
            type="url"
            value={serverUrl}
            onChange={setServerUrl}
            placeholder="https://"
            autoComplete="url"
            help={__('The address of the IGNY8 server your account is on, such as https://app.igny8.com.', 'igny8')}
          />
        )}

        <details className="igny8-connection__manual">
          <summary>{__('Connect with a key (headless setups)', 'igny8')}</summary>
          <p>
            {__(
              'For sites where nobody can sign in to IGNY8 from this browser: create a connection key in your IGNY8 account and paste it here.',
              'igny8',
            )}
          </p>
          <form onSubmit={submitKey} className="igny8-connection__form">
            <TextControl
              label={__('Server URL', 'igny8')}
              type="url"
              value={serverUrl}
              onChange={setServerUrl}
              placeholder="https://"
              autoComplete="url"
              required
            />
            <TextControl
              label={__('Account connection key', 'igny8')}
              type="password"
              value={connectionKey}
              onChange={setConnectionKey}
              help={sprintf(
                /* translators: %s: the address of the IGNY8 app's keys page. */
                __(
                  'Create one in the IGNY8 app, on the “API and connection keys” page (%s), or with POST /api/v1/connection-keys.',
                  'igny8',
                ),
                `${(serverUrl.trim() || configuredServer || 'https://<your IGNY8 server>').replace(/\/+$/, '')}/app/api-keys`,
              )}
              autoComplete="off"
              required
            />
            <Flex justify="flex-start" align="center">
              <Button
                variant="secondary"
                type="submit"
                disabled={!canSubmitKey}
                isBusy={pendingOperation === 'connect'}
                aria-disabled={isPending || !canSubmitKey}
              >
                {__('Connect', 'igny8')}
              </Button>
              {pendingOperation === 'connect' && <Spinner />}
            </Flex>
          </form>
        </details>
      </CardBody>
    </Card>
  );
}
