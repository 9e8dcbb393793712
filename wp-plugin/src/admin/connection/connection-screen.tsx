import { Notice, Spinner } from '@wordpress/components';
import { useDispatch, useRegistry, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { readGrantFromUrl } from '../../api/connection';
import { store as connectionStore, type ConnectionError, type ConnectionStatus } from '../../store/connection';
import { ConnectForm } from './connect-form';
import { ConnectionDetails } from './connection-details';

/** IGNY8 > Connection: connect this site to an IGNY8 account, see the connection, rotate its key, disconnect. */
export function ConnectionScreen() {
  // Back from the IGNY8 app with a grant (Connect to IGNY8): read it once, before anything else happens.
  const [returned] = useState(() => readGrantFromUrl(window.location.href));
  const [isCompletingGrant, setCompletingGrant] = useState(returned.request !== null);
  // Why the grant did not connect the site: kept here, since loading the status afterwards clears the store's error.
  const [grantError, setGrantError] = useState<ConnectionError | null>(null);
  const registry = useRegistry();
  const {
    status,
    hasLoaded,
    pendingOperation,
    error: storeError,
  } = useSelect(
    (select) => {
      const connection = select(connectionStore);
      return {
        // Not loaded while the grant is redeemed, so an answer from before it cannot overwrite the new status.
        status: isCompletingGrant ? null : connection.getConnection(),
        hasLoaded: !isCompletingGrant && connection.hasFinishedResolution('getConnection'),
        pendingOperation: connection.getPendingOperation(),
        error: connection.getError(),
      };
    },
    [isCompletingGrant],
  );
  const { clearError, connectWithGrant, invalidateResolution } = useDispatch(connectionStore);
  const error = storeError ?? grantError;

  // What the last action changed, in words; read out by screen readers through the status region.
  const [statusMessage, setStatusMessage] = useState('');
  // Set once the user connected or disconnected here, so the card that replaces the other one takes focus.
  const [hasSwitchedCards, setSwitchedCards] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (error) {
      errorRef.current?.focus();
    }
  }, [error]);

  const onConnected = (connected: ConnectionStatus) => {
    setSwitchedCards(true);
    setStatusMessage(
      connected.accountName
        ? sprintf(
            /* translators: %s: the IGNY8 account name. */
            __('This site is now connected to the IGNY8 account %s.', 'igny8'),
            connected.accountName,
          )
        : __('This site is now connected to IGNY8.', 'igny8'),
    );
  };

  useEffect(() => {
    if (!returned.request) {
      return;
    }
    // The grant and state are single use: off the address bar at once, so a reload or bookmark does not resend them.
    window.history.replaceState(window.history.state, '', returned.cleanUrl);
    void connectWithGrant(returned.request).then((connected: ConnectionStatus | null) => {
      if (!connected) {
        setGrantError(registry.select(connectionStore).getError());
        clearError();
      }
      setCompletingGrant(false);
      if (connected) {
        onConnected(connected);
      }
    });
    // Once, on the first render only.
  }, []);

  const onDisconnected = () => {
    setSwitchedCards(true);
    setStatusMessage(__('This site is now disconnected from IGNY8.', 'igny8'));
  };

  const onKeyRotated = (rotated: ConnectionStatus) => {
    setStatusMessage(
      rotated.keyId
        ? sprintf(
            /* translators: %s: the new key ID. */
            __('The site key was rotated. The new key ID is %s.', 'igny8'),
            rotated.keyId,
          )
        : __('The site key was rotated.', 'igny8'),
    );
  };

  const retryLoad = () => {
    clearError();
    invalidateResolution('getConnection', []);
  };

  return (
    <div className="igny8-connection">
      {error && (
        <div ref={errorRef} tabIndex={-1} className="igny8-connection__error">
          <Notice
            status="error"
            isDismissible
            onRemove={() => {
              clearError();
              setGrantError(null);
            }}
            actions={error.operation === 'load' ? [{ label: __('Try again', 'igny8'), onClick: retryLoad }] : undefined}
          >
            {error.operation === 'grant'
              ? sprintf(
                  /* translators: %s: why, in the plugin's or the IGNY8 server's words. */
                  __('This site was not connected to IGNY8. %s', 'igny8'),
                  error.message,
                )
              : error.message}
          </Notice>
        </div>
      )}

      <div role="status" aria-live="polite" className="igny8-connection__status">
        {statusMessage && <p>{statusMessage}</p>}
      </div>

      {!hasLoaded && (
        <p className="igny8-connection__loading">
          <Spinner />
          {isCompletingGrant
            ? __('Finishing the connection to IGNY8…', 'igny8')
            : __('Loading the connection…', 'igny8')}
        </p>
      )}

      {hasLoaded &&
        status &&
        (status.connected ? (
          <ConnectionDetails
            status={status}
            pendingOperation={pendingOperation}
            focusHeadingOnMount={hasSwitchedCards}
            onDisconnected={onDisconnected}
            onKeyRotated={onKeyRotated}
          />
        ) : (
          <ConnectForm
            status={status}
            pendingOperation={pendingOperation}
            focusHeadingOnMount={hasSwitchedCards}
            onConnected={onConnected}
          />
        ))}
    </div>
  );
}
