import { Button } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { useState, type ReactNode } from 'react';
import { FormError } from './states';

/**
 * The body of a DataViews modal action that asks before doing something that cannot be undone: what will happen,
 * Cancel (focused first) and the destructive button, with the server's words if it refuses.
 */
export function ConfirmBody({
  children,
  confirmLabel,
  onConfirm,
  closeModal,
  destructive = true,
}: {
  children: ReactNode;
  /** False for a confirmation that is not destructive (sending an invitation again). */
  destructive?: boolean;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  closeModal?: (() => void) | undefined;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      closeModal?.();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }
  return (
    <div className="igny8-form">
      <FormError error={error} />
      <div>{children}</div>
      <div className="igny8-button-row">
        <Button variant="tertiary" onClick={closeModal} __next40pxDefaultSize>
          {__('Cancel', 'igny8')}
        </Button>
        <Button
          variant="primary"
          isDestructive={destructive}
          isBusy={busy}
          disabled={busy}
          onClick={() => void confirm()}
          __next40pxDefaultSize
        >
          {confirmLabel}
        </Button>
      </div>
    </div>
  );
}
