import { Button, Card, CardBody, CardHeader, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useMemo, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';
import type { TAutomationState } from '@igny8/shared';
import { ErrorNotice } from '../../components/error-notice';
import { type SettingsDraft, store as automationStore } from '../../store/automation';
import { automationPage } from './automation-page';
import { type DraftEditor, withGroupSetting, withSetting } from './draft';
import type { FieldContext } from './fields';
import { NOTICE_CONTEXT } from './notices';
import { OutputFields } from './output-fields';
import { ScheduleFields } from './schedule-fields';
import { SectorOverrides } from './sector-overrides';
import { settingsLabels } from './settings-labels';
import { StageFields } from './stage-fields';

/**
 * Every automation setting in one form with one Save. The draft starts from the server's settings and is reset to
 * them only when they change there (a save, or another administrator's), never by the run's polling.
 */
export function SettingsForm({ automation }: { automation: TAutomationState }) {
  const { canManage } = automationPage();
  const { sectors, saving, error } = useSelect((select) => {
    const store = select(automationStore);
    return { sectors: store.getSectors(), saving: store.isPending('save'), error: store.getError('settings') };
  }, []);
  const { saveSettings, clearError, invalidateResolution } = useDispatch(automationStore);
  const { createSuccessNotice } = useDispatch(noticesStore);

  const serverSettings = JSON.stringify(automation.settings);
  const [draft, setDraft] = useState<SettingsDraft>(automation.settings);
  useEffect(() => {
    setDraft(JSON.parse(serverSettings) as SettingsDraft);
  }, [serverSettings]);

  const labels = useMemo(() => settingsLabels(sectors ?? []), [sectors]);
  const context: FieldContext = { errors: error?.fields ?? {}, disabled: !canManage || saving, labels };
  const editor: DraftEditor = {
    draft,
    set: (key, value) => setDraft((current) => withSetting(current, key, value)),
    setIn: (group, key, value) => setDraft((current) => withGroupSetting(current, group, key, value)),
  };

  const save = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    const saved = await saveSettings(draft, labels);
    if (saved) {
      void createSuccessNotice(__('Automation settings saved.', 'igny8'), {
        context: NOTICE_CONTEXT,
        type: 'default',
        id: 'igny8-automation-saved',
      });
    }
  };

  const loadFailed = error?.operation === 'load';

  return (
    <section aria-labelledby="igny8-automation-settings">
      <Card className="igny8-automation__panel">
        <CardHeader>
          <h2 id="igny8-automation-settings">{__('Settings', 'igny8')}</h2>
        </CardHeader>
        <CardBody>
          {!canManage && (
            <p className="description">
              {__('Only administrators can change these settings or start and stop runs.', 'igny8')}
            </p>
          )}
          {error && (
            <ErrorNotice
              message={
                error.operation === 'save' && Object.keys(error.fields).length > 0
                  ? [
                      __('Some settings were not saved: see the messages next to the fields.', 'igny8'),
                      // What the form has no field for (an override of a sector since removed) is said here.
                      ...Object.entries(error.fields)
                        .filter(([path]) => !(path in labels))
                        .map(([, message]) => message),
                    ].join(' ')
                  : error.message
              }
              onDismiss={() => clearError('settings')}
              onRetry={
                loadFailed
                  ? () => {
                      clearError('settings');
                      invalidateResolution('getSectors', []);
                    }
                  : undefined
              }
            />
          )}
          <form onSubmit={save} noValidate className="igny8-automation__form">
            <ScheduleFields
              editor={editor}
              context={context}
              timezone={automation.timezone}
              nextRunAt={automation.nextRunAt}
            />
            <StageFields editor={editor} context={context} />
            <OutputFields editor={editor} context={context} creditsThisMonth={automation.creditsThisMonth} />
            <SectorOverrides editor={editor} context={context} sectors={sectors} />
            {canManage && (
              <div className="igny8-automation__actions">
                <Button type="submit" variant="primary" isBusy={saving} disabled={saving}>
                  {__('Save settings', 'igny8')}
                </Button>
                {saving && <Spinner />}
              </div>
            )}
          </form>
        </CardBody>
      </Card>
    </section>
  );
}
