import {
  Button,
  Card,
  CardBody,
  CardHeader,
  Notice,
  Spinner,
  TextareaControl,
  TextControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { ErrorNotice } from '../../components/error-notice';
import { store as settingsStore } from '../../store/settings';
import { FieldError } from './field-error';

/** A BCP 47 language tag, as the server checks it (shared/src/tenancy.ts). */
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;
/** The longest voice the server keeps. */
export const VOICE_MAX = 2000;

/** The site's language and voice, which the server writes its articles in (the site's own settings in IGNY8). */
export function WritingPanel() {
  const { site, saving, error } = useSelect((select) => {
    const store = select(settingsStore);
    return { site: store.getSite(), saving: store.getSaving() === 'writing', error: store.getError('writing') };
  }, []);
  const { saveWriting, clearError, invalidateResolution } = useDispatch(settingsStore);
  const [language, setLanguage] = useState('');
  const [voice, setVoice] = useState('');
  const [languageError, setLanguageError] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (site) {
      setLanguage(site.language);
      setVoice(site.voice ?? '');
    }
  }, [site]);

  const labels = { language: __('Language', 'igny8'), voice: __('Voice', 'igny8') };

  const save = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    setSaved(false);
    if (!LANGUAGE_TAG.test(language.trim())) {
      setLanguageError(__('Language must be a language tag such as en, de or pt-BR.', 'igny8'));
      formRef.current?.querySelector<HTMLInputElement>('input')?.focus();
      return;
    }
    setLanguageError(undefined);
    const done = await saveWriting({ language: language.trim(), voice: voice.trim() }, labels);
    setSaved(done !== null);
  };

  return (
    <section aria-labelledby="igny8-settings-writing">
      <Card className="igny8-settings__panel">
        <CardHeader>
          <h2 id="igny8-settings-writing">{__('Writing defaults', 'igny8')}</h2>
        </CardHeader>
        <CardBody>
          <p>
            {__('IGNY8 writes this site’s articles in this language and voice, unless a sector has its own.', 'igny8')}
          </p>
          {error && (
            <ErrorNotice
              message={error.message}
              onDismiss={() => clearError('writing')}
              onRetry={
                error.operation === 'load'
                  ? () => {
                      clearError('writing');
                      invalidateResolution('getSite', []);
                    }
                  : undefined
              }
            />
          )}
          {!site && !error && (
            <p>
              <Spinner />
              {__('Loading the writing defaults…', 'igny8')}
            </p>
          )}
          {site && (
            <form ref={formRef} onSubmit={save} noValidate>
              <TextControl
                label={labels.language}
                value={language}
                onChange={(value: string) => {
                  setSaved(false);
                  setLanguage(value);
                }}
                help={__('A language tag such as en, de or pt-BR.', 'igny8')}
                aria-invalid={Boolean(languageError ?? error?.fields.language)}
                autoComplete="off"
                spellCheck={false}
              />
              <FieldError id="igny8-settings-language-error" message={languageError ?? error?.fields.language} />
              <TextareaControl
                label={labels.voice}
                value={voice}
                onChange={(value: string) => {
                  setSaved(false);
                  setVoice(value);
                }}
                rows={3}
                maxLength={VOICE_MAX}
                help={__(
                  'How the articles should sound, such as “friendly and practical, no jargon”. Leave it empty for no preference.',
                  'igny8',
                )}
              />
              <FieldError id="igny8-settings-voice-error" message={error?.fields.voice} />
              {saved && (
                <Notice status="success" isDismissible={false}>
                  {__('Writing defaults saved.', 'igny8')}
                </Notice>
              )}
              <Button type="submit" variant="primary" isBusy={saving} disabled={saving}>
                {__('Save writing defaults', 'igny8')}
              </Button>
            </form>
          )}
        </CardBody>
      </Card>
    </section>
  );
}
