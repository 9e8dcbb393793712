import { Button, Flex, Modal } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

interface DisconnectModalProps {
  onConfirm: () => void;
  onCancel: () => void;
}

export function DisconnectModal({ onConfirm, onCancel }: DisconnectModalProps) {
  return (
    <Modal title={__('Disconnect this site?', 'igny8')} onRequestClose={onCancel}>
      <p>
        {__(
          'IGNY8 will stop publishing to this site, and both this site and the server delete the keys of this connection. To connect again you need a new account connection key.',
          'igny8',
        )}
      </p>
      <Flex justify="flex-end">
        <Button variant="tertiary" onClick={onCancel}>
          {__('Cancel', 'igny8')}
        </Button>
        <Button variant="primary" isDestructive onClick={onConfirm}>
          {__('Disconnect', 'igny8')}
        </Button>
      </Flex>
    </Modal>
  );
}
