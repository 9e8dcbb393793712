import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { NotConnected } from '../../components/not-connected';
import { TaskList } from './task-list';
import { TaskPanel } from './task-panel';
import { writerSettings } from './writer-settings';

/** IGNY8 > Writer: the site's tasks; a chosen task is written, illustrated, reviewed, approved and published. */
export function WriterScreen() {
  const settings = writerSettings();
  // `&task=<id>` opens that task (IGNY8 > Automation's review queue links to it).
  const [taskId, setTaskId] = useState<string | null>(() => new URLSearchParams(window.location.search).get('task'));
  // The task last opened: back in the list, its "Open" button gets the focus again.
  const [lastTaskId, setLastTaskId] = useState<string | null>(null);
  // What the last action did, in words; read out by screen readers.
  const [statusMessage, setStatusMessage] = useState('');

  if (!settings.connected) {
    return (
      <div className="igny8-writer">
        <NotConnected
          title={__('This site is not connected to IGNY8 yet', 'igny8')}
          adminText={__('Connect it to your IGNY8 account to write and publish articles here.', 'igny8')}
          canManageConnection={settings.canManageConnection}
          connectionUrl={settings.connectionUrl}
        />
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
