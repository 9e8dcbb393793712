import { Button, Card, CardBody, CardHeader, Notice, SelectControl, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { ErrorNotice } from '../../components/error-notice';
import { store as settingsStore, type PostStatus, type PublishingSettings } from '../../store/settings';
import { FieldError } from './field-error';
import { postStatusText } from './labels';

interface Form {
  defaultPostStatus: PostStatus;
  defaultAuthor: string;
  defaultCategory: string;
}

const toForm = (settings: PublishingSettings): Form => ({
  defaultPostStatus: settings.defaultPostStatus,
  defaultAuthor: String(settings.defaultAuthor),
  defaultCategory: String(settings.defaultCategory),
});

/** The post status, author and category IGNY8 publishes with unless someone chooses otherwise. */
export function PublishingPanel() {
  const { settings, saving, error } = useSelect((select) => {
    const store = select(settingsStore);
    return {
      settings: store.getPublishing(),
      saving: store.getSaving() === 'publishing',
      error: store.getError('publishing'),
    };
  }, []);
  const { savePublishing, clearError, invalidateResolution } = useDispatch(settingsStore);
  const [form, setForm] = useState<Form | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (settings) {
      setForm(toForm(settings));
    }
  }, [settings]);

  const change = (field: keyof Form) => (value: string) => {
    setSaved(false);
    setForm((current) => (current ? { ...current, [field]: value } : current));
  };

  const save = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    if (!form) {
      return;
    }
    setSaved(false);
    const done = await savePublishing({
      defaultPostStatus: form.defaultPostStatus,
      defaultAuthor: Number(form.defaultAuthor),
      defaultCategory: Number(form.defaultCategory),
    });
    setSaved(done !== null);
  };

  return (
    <section aria-labelledby="igny8-settings-publishing">
      <Card className="igny8-settings__panel">
        <CardHeader>
          <h2 id="igny8-settings-publishing">{__('Publishing defaults', 'igny8')}</h2>
        </CardHeader>
        <CardBody>
          <p>
            {__(
              'What the Writer screen’s publish form starts with, and who the posts IGNY8 publishes belong to.',
              'igny8',
            )}
          </p>
          {error && (
            <ErrorNotice
              message={error.message}
              onDismiss={() => clearError('publishing')}
              onRetry={
                error.operation === 'load'
                  ? () => {
                      clearError('publishing');
                      invalidateResolution('getPublishing', []);
                    }
                  : undefined
              }
            />
          )}
          {!form && !error && (
            <p>
              <Spinner />
              {__('Loading the publishing defaults…', 'igny8')}
            </p>
          )}
          {form && settings && (
            <form onSubmit={save}>
              <SelectControl
                label={__('Default post status', 'igny8')}
                value={form.defaultPostStatus}
                options={settings.choices.postStatuses.map((status) => ({
                  label: postStatusText(status),
                  value: status,
                }))}
                onChange={change('defaultPostStatus')}
                help={__('A scheduled post needs its own date, so it is chosen on the Writer screen.', 'igny8')}
              />
              <FieldError id="igny8-settings-status-error" message={error?.fields.defaultPostStatus} />
              <SelectControl
                label={__('Default author', 'igny8')}
                value={form.defaultAuthor}
                options={[
                  { label: __('The IGNY8 publishing user', 'igny8'), value: '0' },
                  ...settings.choices.authors.map((author) => ({ label: author.name, value: String(author.id) })),
                ]}
                onChange={change('defaultAuthor')}
                help={__('Users who can edit posts. Posts IGNY8 publishes are attributed to this user.', 'igny8')}
              />
              <FieldError id="igny8-settings-author-error" message={error?.fields.defaultAuthor} />
              <SelectControl
                label={__('Default category', 'igny8')}
                value={form.defaultCategory}
                options={[
                  { label: __('None', 'igny8'), value: '0' },
                  ...settings.choices.categories.map((category) => ({
                    label: category.name,
                    value: String(category.id),
                  })),
                ]}
                onChange={change('defaultCategory')}
              />
              <FieldError id="igny8-settings-category-error" message={error?.fields.defaultCategory} />
              {saved && (
                <Notice status="success" isDismissible={false}>
                  {__('Publishing defaults saved.', 'igny8')}
                </Notice>
              )}
              <Button type="submit" variant="primary" isBusy={saving} disabled={saving}>
                {__('Save publishing defaults', 'igny8')}
              </Button>
            </form>
          )}
        </CardBody>
      </Card>
    </section>
  );
}
