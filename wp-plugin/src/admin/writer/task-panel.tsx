import { Button, Notice, Spinner, TabPanel, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { ErrorNotice } from '../../components/error-notice';
import { ProgressBar } from '../../components/progress-bar';
import { isVersionConflict } from '../../store/writer/errors';
import type { TWriterTask } from '@igny8/shared';
import { store as writerStore } from '../../store/writer';
import { EditForm } from './edit-form';
import { ImagesGrid } from './images-grid';
import { jobLabel, taskStatusLabel } from './labels';
import { Preview } from './preview';
import { PublishPanel } from './publish-panel';
import { VersionsPanel } from './versions-panel';

interface TaskPanelProps {
  taskId: string;
  onClose: () => void;
  announce: (message: string) => void;
}

/** One task: write it, make its images, and review, approve and publish what was written. */
export function TaskPanel({ taskId, onClose, announce }: TaskPanelProps) {
  const { task, active, error, writing, illustrating } = useSelect(
    (select) => {
      const writer = select(writerStore);
      return {
        task: writer.getTask(taskId),
        active: writer.getActiveJob(taskId),
        error: writer.getError(),
        writing: writer.isPending('write'),
        illustrating: writer.isPending('images'),
      };
    },
    [taskId],
  );
  const { writeTask, makeImages, resumeJob, clearError } = useDispatch(writerStore);

  const busy = active !== undefined || writing || illustrating;
  const content = task?.content ?? null;
  // The look of every image ("watercolour illustration"); empty: the server's default (a natural photograph).
  const [imageStyle, setImageStyle] = useState('');

  // Keyboard and screen-reader users land on the task they opened.
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = task !== undefined;
  useEffect(() => {
    if (loaded) {
      heading.current?.focus();
    }
  }, [loaded]);

  // A task already being written or published when the screen opened: follow its job too.
  const runningJobId =
    task && (task.status === 'writing' || task.status === 'publishing') && !busy ? task.lastJobId : null;
  useEffect(() => {
    if (task && runningJobId) {
      resumeJob(task.id, runningJobId, task.status === 'publishing' ? 'publish' : 'write');
    }
    // Once per job (the task object itself changes on every load).
  }, [runningJobId]);

  const write = async () => {
    if (!task) {
      return;
    }
    announce(__('Writing the article…', 'igny8'));
    const written = await writeTask(task.id, content !== null);
    if (written) {
      /* translators: %d: number of words */
      announce(sprintf(__('The article is written: %d words. Review it below.', 'igny8'), written.version.wordCount));
    }
  };

  const illustrate = async () => {
    if (!content) {
      return;
    }
    announce(__('Making the images…', 'igny8'));
    const images = await makeImages(taskId, content.id, imageStyle);
    if (images) {
      /* translators: %d: number of images */
      announce(sprintf(__('%d images are ready.', 'igny8'), images.length));
    }
  };

  return (
    <div className="igny8-writer__task">
      <Button variant="link" onClick={onClose}>
        {__('← All tasks', 'igny8')}
      </Button>
      {!task && (
        <p>
          <Spinner />
          {__('Loading the task…', 'igny8')}
        </p>
      )}
      {task && (
        <>
          <h2 ref={heading} tabIndex={-1}>
            {task.title}
          </h2>
          <p>
            {/* translators: 1: task status, 2: main keyword */}
            {sprintf(
              __('Status: %1$s. Main keyword: %2$s.', 'igny8'),
              taskStatusLabel(task.status),
              task.primaryKeyword,
            )}
          </p>
          {task.status === 'failed' && task.failureReason && (
            <Notice status="warning" isDismissible={false}>
              {task.failureReason}
            </Notice>
          )}
          {error && !isVersionConflict(error) && <ErrorNotice message={error.message} onDismiss={clearError} />}
          <div className="igny8-writer__actions">
            <Button variant="primary" onClick={write} disabled={busy} isBusy={writing}>
              {content ? __('Write again', 'igny8') : __('Write', 'igny8')}
            </Button>
            {content && (
              <>
                <TextControl
                  className="igny8-writer__style"
                  label={__('Image style', 'igny8')}
                  help={__('Optional, such as "watercolour illustration". Empty: a natural photograph.', 'igny8')}
                  value={imageStyle}
                  onChange={setImageStyle}
                  maxLength={200}
                />
                <Button variant="secondary" onClick={illustrate} disabled={busy} isBusy={illustrating}>
                  {__('Make images', 'igny8')}
                </Button>
              </>
            )}
          </div>
          {active && (
            <div className="igny8-writer__job">
              <ProgressBar
                value={active.job?.progress ?? 0}
                label={jobLabel(active.kind)}
                detail={active.job?.currentStep}
              />
              {active.heldCredits !== undefined && (
                <p>
                  {sprintf(
                    /* translators: %d: number of credits */
                    __('%d credits are held for this; what is not used is given back.', 'igny8'),
                    active.heldCredits,
                  )}
                </p>
              )}
            </div>
          )}
          {content ? (
            <Review task={task} announce={announce} />
          ) : (
            !busy && <p>{__('Nothing is written yet. Choose "Write" to have the article written.', 'igny8')}</p>
          )}
        </>
      )}
    </div>
  );
}

function Review({ task, announce }: { task: TWriterTask; announce: (message: string) => void }) {
  const { content, approving } = useSelect(
    (select) => ({
      content: select(writerStore).getContent(task.id),
      approving: select(writerStore).isPending('approve'),
    }),
    [task.id],
  );
  const { approveContent } = useDispatch(writerStore);

  if (!content) {
    return (
      <p>
        <Spinner />
        {__('Loading the article…', 'igny8')}
      </p>
    );
  }
  const version = content.version;
  const approve = async () => {
    const approved = await approveContent(content.id, content.currentVersion, !version.languageMatches);
    if (approved) {
      /* translators: %d: version number */
      announce(sprintf(__('Version %d is approved.', 'igny8'), approved.currentVersion));
    }
  };

  return (
    <section className="igny8-writer__review" aria-label={__('Review', 'igny8')}>
      <h3>{__('Review', 'igny8')}</h3>
      <p>
        {sprintf(
          /* translators: 1: version number, 2: number of words */
          __('Version %1$d, %2$d words.', 'igny8'),
          content.currentVersion,
          version.wordCount,
        )}{' '}
        {content.approved ? __('This version is approved.', 'igny8') : __('This version is not approved yet.', 'igny8')}
      </p>
      {content.demo && (
        <Notice status="warning" isDismissible={false}>
          {__(
            'Demo article: written by the demo AI, not a real model. Filler, not advice. Published, it opens with a line saying so.',
            'igny8',
          )}
        </Notice>
      )}
      {!version.languageMatches && (
        <Notice status="warning" isDismissible={false}>
          {sprintf(
            /* translators: 1: language asked for, 2: language detected */
            __(
              'This text does not read as the language asked for (%1$s; it reads as %2$s). Check it before approving: approving it accepts the mismatch.',
              'igny8',
            ),
            content.language,
            version.detectedLanguage ?? __('unknown', 'igny8'),
          )}
        </Notice>
      )}
      {!content.approved && (
        <Button variant="primary" onClick={approve} disabled={approving} isBusy={approving}>
          {version.languageMatches ? __('Approve', 'igny8') : __('Approve anyway', 'igny8')}
        </Button>
      )}
      <TabPanel
        className="igny8-writer__tabs"
        tabs={[
          { name: 'preview', title: __('Preview', 'igny8') },
          { name: 'edit', title: __('Edit', 'igny8') },
          { name: 'versions', title: __('Versions', 'igny8') },
          { name: 'images', title: __('Images', 'igny8') },
          { name: 'publish', title: __('Publish', 'igny8') },
        ]}
      >
        {(tab: { name: string }) => {
          switch (tab.name) {
            case 'edit':
              return <EditForm key={content.currentVersion} content={content} announce={announce} />;
            case 'versions':
              return <VersionsPanel content={content} announce={announce} />;
            case 'images':
              return <ImagesGrid content={content} announce={announce} />;
            case 'publish':
              return <PublishPanel content={content} announce={announce} />;
            default:
              return <Preview content={content} />;
          }
        }}
      </TabPanel>
    </section>
  );
}
