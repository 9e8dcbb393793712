import { Button, Card, CardBody, CardHeader, Flex, Spinner, TextControl } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { store as connectionStore, type ConnectionStatus } from '../../store/connection';

interface ConnectFormProps {
  status: ConnectionStatus;
  isPending: boolean;
  /** Move focus to the heading when this form replaces the connected card after a disconnect. */
  focusHeadingOnMount: boolean;
  onConnected: (status: ConnectionStatus) => void;
}

export function ConnectForm({ status, isPending, focusHeadingOnMount, onConnected }: ConnectFormProps) {
  const { connect } = useDispatch(connectionStore);
  const [serverUrl, setServerUrl] = useState(status.serverUrl ?? '');
  const [connectionKey, setConnectionKey] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (focusHeadingOnMount) {
      headingRef.current?.focus();
    }
  }, [focusHeadingOnMount]);

  const canSubmit = serverUrl.trim() !== '' && connectionKey.trim() !== '';

  const submit = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    if (!canSubmit || isPending) {
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
        <form onSubmit={submit} className="igny8-connection__form">
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
            help={__(
              'Create one in your IGNY8 account: Settings > Connection keys, or POST /api/v1/connection-keys.',
              'igny8',
            )}
            autoComplete="off"
            required
          />
          <Flex justify="flex-start" align="center">
            <Button
              variant="primary"
              type="submit"
              disabled={!canSubmit}
              isBusy={isPending}
              aria-disabled={isPending || !canSubmit}
            >
              {__('Connect', 'igny8')}
            </Button>
            {isPending && <Spinner />}
          </Flex>
        </form>
      </CardBody>
    </Card>
  );
}
