import { NoticeList, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';
import { ErrorNotice } from '../../components/error-notice';
import { NotConnected } from '../../components/not-connected';
import { store as automationStore } from '../../store/automation';
import { RUN_POLL_MS } from '../../store/automation/constants';
import { automationPage } from './automation-page';
import { NOTICE_CONTEXT } from './notices';
import { ReviewQueue } from './review-queue';
import { RunHistory } from './run-history';
import { RunPanel } from './run-panel';
import { SettingsForm } from './settings-form';

/** The outcomes of this screen's actions, as WordPress notices at its top. */
function ScreenNotices() {
  const notices = useSelect((select) => select(noticesStore).getNotices(NOTICE_CONTEXT), []);
  const { removeNotice } = useDispatch(noticesStore);
  return (
    <NoticeList
      className="igny8-automation__notices"
      notices={notices as Parameters<typeof NoticeList>[0]['notices']}
      onRemove={(id: string) => void removeNotice(id, NOTICE_CONTEXT)}
    />
  );
}

/**
 * IGNY8 > Automation: the active run (read every 2 s while there is one), the settings, the run history and the
 * review queue.
 */
export function AutomationScreen() {
  const page = automationPage();
  const { automation, error } = useSelect(
    (select) => {
      if (!page.connected) {
        return { automation: null, error: null };
      }
      const store = select(automationStore);
      return { automation: store.getState(), error: store.getError('settings') };
    },
    [page.connected],
  );
  const { refreshState, clearError, invalidateResolutionForStoreSelector } = useDispatch(automationStore);
  const activeRunId = automation?.activeRun?.id ?? null;

  // Every 2 s after the last read came back (a slow answer never stacks reads up), while a run is active.
  useEffect(() => {
    if (!activeRunId) {
      return undefined;
    }
    let stopped = false;
    let timer: number | undefined;
    const next = () => {
      timer = window.setTimeout(() => {
        void (async () => {
          await refreshState();
          if (!stopped) {
            next();
          }
        })();
      }, RUN_POLL_MS);
    };
    next();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [activeRunId, refreshState]);

  if (!page.connected) {
    return (
      <div className="igny8-automation">
        <NotConnected
          title={__('This site is not connected to IGNY8 yet', 'igny8')}
          intro={__(
            'Automation takes new keywords through clustering, ideas, writing, images and publishing.',
            'igny8',
          )}
          adminText={__('Connect it to your IGNY8 account to automate this site.', 'igny8')}
          canManageConnection={page.canManageConnection}
          connectionUrl={page.connectionUrl}
        />
      </div>
    );
  }

  return (
    <div className="igny8-automation">
      <ScreenNotices />
      {!automation && error?.operation === 'load' && (
        <ErrorNotice
          message={error.message}
          onDismiss={() => clearError('settings')}
          onRetry={() => {
            clearError('settings');
            invalidateResolutionForStoreSelector('getState');
          }}
        />
      )}
      {!automation && !error && (
        <p>
          <Spinner />
          {__('Loading automation…', 'igny8')}
        </p>
      )}
      {automation && (
        <>
          <RunPanel automation={automation} />
          <ReviewQueue asDraft={automation.settings.publishStatus === 'draft'} />
          <RunHistory />
          <SettingsForm automation={automation} />
        </>
      )}
    </div>
  );
}
