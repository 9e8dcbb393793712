import { Button } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { TaskList } from './task-list';
import { TaskPanel } from './task-panel';
import { writerSettings } from './writer-settings';

/** IGNY8 > Writer: the site's tasks; a chosen task is written, illustrated, reviewed, approved and published. */
export function WriterScreen() {
  const settings = writerSettings();
  const [taskId, setTaskId] = useState<string | null>(null);
  // The task last opened: back in the list, its "Open" button gets the focus again.
  const [lastTaskId, setLastTaskId] = useState<string | null>(null);
  // What the last action did, in words; read out by screen readers.
  const [statusMessage, setStatusMessage] = useState('');

  if (!settings.connected) {
    return (
      <div className="igny8-writer">
        <EmptyState
          title={__('This site is not connected to IGNY8 yet', 'igny8')}
          action={
            settings.canManageConnection ? (
              <Button variant="primary" href={settings.connectionUrl}>
                {__('Go to Connection', 'igny8')}
              </Button>
            ) : undefined
          }
        >
          <p>
            {settings.canManageConnection
              ? __('Connect it to your IGNY8 account to write and publish articles here.', 'igny8')
              : __('An administrator of this site connects it to IGNY8 on the IGNY8 Connection screen.', 'igny8')}
          </p>
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="igny8-writer">
      <div role="status" aria-live="polite" className="igny8-status">
        {statusMessage && <p>{statusMessage}</p>}
      </div>
      {taskId ? (
        <TaskPanel
          taskId={taskId}
          onClose={() => {
            setLastTaskId(taskId);
            setTaskId(null);
          }}
          announce={setStatusMessage}
        />
      ) : (
        <TaskList onOpen={setTaskId} focusTaskId={lastTaskId} />
      )}
    </div>
  );
}
