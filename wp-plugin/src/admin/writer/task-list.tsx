import { Button, SelectControl, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import type { TTaskStatus } from '@igny8/shared';
import { store as writerStore, type TaskQuery } from '../../store/writer';
import { TASK_STATUSES, taskStatusLabel } from './labels';
import { writerSettings } from './writer-settings';

interface TaskListProps {
  onOpen: (taskId: string) => void;
  /** The task whose "Open" button takes the focus once listed (the one just closed). */
  focusTaskId?: string | null;
}

/** The site's tasks, newest first, filtered by status, a page at a time. */
export function TaskList({ onOpen, focusTaskId = null }: TaskListProps) {
  const [status, setStatus] = useState<TTaskStatus | ''>('');
  // The cursors of the pages before the current one (the first page has none).
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const query: TaskQuery = { status: status || undefined, cursor };

  const { page, hasLoaded, error } = useSelect(
    (select) => {
      const writer = select(writerStore);
      return {
        page: writer.getTasks(query),
        hasLoaded: writer.hasFinishedResolution('getTasks', [query]),
        error: writer.getError(),
      };
    },
    [status, cursor],
  );
  const { clearError, invalidateResolutionForStore } = useDispatch(writerStore);

  const table = useRef<HTMLTableElement>(null);
  const listed = page !== undefined;
  useEffect(() => {
    if (listed && focusTaskId) {
      table.current?.querySelector<HTMLElement>(`[data-task-id="${focusTaskId}"]`)?.focus();
    }
  }, [listed, focusTaskId]);

  return (
    <div className="igny8-writer__tasks">
      {error && (
        <ErrorNotice
          message={error.message}
          onDismiss={clearError}
          onRetry={
            error.operation === 'load'
              ? () => {
                  clearError();
                  invalidateResolutionForStore();
                }
              : undefined
          }
        />
      )}
      <div className="igny8-writer__toolbar">
        <SelectControl
          label={__('Status', 'igny8')}
          value={status}
          options={[
            { label: __('All tasks', 'igny8'), value: '' },
            ...TASK_STATUSES.map((value) => ({ label: taskStatusLabel(value), value })),
          ]}
          onChange={(value: string) => {
            setStatus(value as TTaskStatus | '');
            setCursors([]);
          }}
        />
      </div>

      {!hasLoaded && (
        <p>
          <Spinner />
          {__('Loading the tasks…', 'igny8')}
        </p>
      )}

      {hasLoaded && page && page.items.length === 0 && (
        <EmptyState
          title={status ? __('No tasks with this status', 'igny8') : __('No writing tasks yet', 'igny8')}
          action={
            status ? undefined : (
              <Button variant="primary" href={writerSettings().plannerUrl}>
                {__('Go to the Planner', 'igny8')}
              </Button>
            )
          }
        >
          <p>
            {status
              ? __('Choose another status, or "All tasks".', 'igny8')
              : __(
                  'Tasks are made from approved ideas: in the Planner, approve ideas of a cluster and choose "Make tasks". They appear here to be written.',
                  'igny8',
                )}
          </p>
        </EmptyState>
      )}

      {page && page.items.length > 0 && (
        <>
          <table ref={table} className="wp-list-table widefat striped igny8-writer__table">
            <caption className="screen-reader-text">{__('Writing tasks', 'igny8')}</caption>
            <thead>
              <tr>
                <th scope="col">{__('Title', 'igny8')}</th>
                <th scope="col">{__('Main keyword', 'igny8')}</th>
                <th scope="col">{__('Status', 'igny8')}</th>
                <th scope="col" className="num">
                  {__('Words', 'igny8')}
                </th>
                <th scope="col">
                  <span className="screen-reader-text">{__('Actions', 'igny8')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((task) => (
                <tr key={task.id}>
                  <td>{task.title}</td>
                  <td>{task.primaryKeyword}</td>
                  <td>
                    {taskStatusLabel(task.status)}
                    {task.status === 'failed' && task.failureReason && (
                      <span className="igny8-writer__reason"> — {task.failureReason}</span>
                    )}
                  </td>
                  <td className="num">
                    {task.content
                      ? task.content.wordCount.toLocaleString()
                      : /* translators: %d: target number of words */
                        sprintf(__('%d planned', 'igny8'), task.targetWordCount)}
                  </td>
                  <td>
                    <Button
                      variant="secondary"
                      onClick={() => onOpen(task.id)}
                      data-task-id={task.id}
                      /* translators: %s: task title */
                      aria-label={sprintf(__('Open "%s"', 'igny8'), task.title)}
                    >
                      {__('Open', 'igny8')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="igny8-writer__pagination">
            <Button variant="tertiary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              {__('Previous page', 'igny8')}
            </Button>
            <Button
              variant="tertiary"
              disabled={!page.nextCursor}
              onClick={() => page.nextCursor && setCursors([...cursors, page.nextCursor])}
            >
              {__('Next page', 'igny8')}
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
