import { Button, Card, CardBody, CardHeader, Flex, Spinner } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { store as connectionStore, type ConnectionOperation, type ConnectionStatus } from '../../store/connection';
import { DisconnectModal } from './disconnect-modal';
import { formatDateTime, formatNumber } from './format';

interface ConnectionDetailsProps {
  status: ConnectionStatus;
  pendingOperation: ConnectionOperation | null;
  /** Move focus to the heading when this card replaces the form after connecting. */
  focusHeadingOnMount: boolean;
  onDisconnected: (status: ConnectionStatus) => void;
  onKeyRotated: (status: ConnectionStatus) => void;
}

export function ConnectionDetails({
  status,
  pendingOperation,
  focusHeadingOnMount,
  onDisconnected,
  onKeyRotated,
}: ConnectionDetailsProps) {
  const { disconnect, rotateKey } = useDispatch(connectionStore);
  const [isConfirmingDisconnect, setConfirmingDisconnect] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isPending = pendingOperation !== null;
  const notAvailable = __('not available', 'igny8');

  useEffect(() => {
    if (focusHeadingOnMount) {
      headingRef.current?.focus();
    }
  }, [focusHeadingOnMount]);

  // Buttons stay focusable while a request runs (aria-disabled, clicks ignored) so keyboard focus is not lost.
  const rotate = async () => {
    if (isPending) {
      return;
    }
    const rotated = await rotateKey();
    if (rotated) {
      onKeyRotated(rotated);
    }
  };

  const confirmDisconnect = async () => {
    setConfirmingDisconnect(false);
    const disconnected = await disconnect();
    if (disconnected) {
      onDisconnected(disconnected);
    }
  };

  const details: Array<[string, string]> = [
    [__('Account', 'igny8'), status.accountName ?? notAvailable],
    [__('Site ID', 'igny8'), status.siteId ?? notAvailable],
    [__('Server URL', 'igny8'), status.serverUrl ?? notAvailable],
    [__('Last contact', 'igny8'), status.lastContactAt ? formatDateTime(status.lastContactAt) : __('never', 'igny8')],
    [__('Credit balance', 'igny8'), status.credits ? formatNumber(status.credits.balance) : notAvailable],
    [__('Publishing user', 'igny8'), status.publisherUser ?? notAvailable],
    [__('Site key ID', 'igny8'), status.keyId ?? notAvailable],
  ];

  return (
    <Card>
      <CardHeader>
        <h2 className="igny8-connection__title" ref={headingRef} tabIndex={-1}>
          {__('Connected', 'igny8')}
        </h2>
      </CardHeader>
      <CardBody>
        <dl className="igny8-connection__details">
          {details.map(([term, description]) => (
            <div key={term} className="igny8-connection__detail">
              <dt>{term}</dt>
              <dd>{description}</dd>
            </div>
          ))}
        </dl>
        <Flex justify="flex-start" align="center">
          <Button variant="secondary" onClick={rotate} isBusy={pendingOperation === 'rotate'} aria-disabled={isPending}>
            {__('Rotate key', 'igny8')}
          </Button>
          <Button
            variant="secondary"
            isDestructive
            onClick={() => !isPending && setConfirmingDisconnect(true)}
            isBusy={pendingOperation === 'disconnect'}
            aria-disabled={isPending}
          >
            {__('Disconnect', 'igny8')}
          </Button>
          {isPending && <Spinner />}
        </Flex>
        {isConfirmingDisconnect && (
          <DisconnectModal onConfirm={confirmDisconnect} onCancel={() => setConfirmingDisconnect(false)} />
        )}
      </CardBody>
    </Card>
  );
}
