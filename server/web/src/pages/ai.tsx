import '@wordpress/dataviews/build-style/style.css';
import { __ } from '@wordpress/i18n';
import { Page } from '../components/page';
import { NotPermitted } from '../components/states';
import { useSession } from '../session';
import { ProviderKeys } from './ai/provider-keys';
import { ModelChoices } from './ai/model-choices';
import { PromptOverrides } from './ai/prompt-overrides';

/** The account's AI settings: provider keys, the model per AI function, and prompt overrides with versions. */
export default function AiSettings() {
  const { can } = useSession();
  const admin = can('admin');
  return (
    <Page
      title={__('AI settings', 'igny8')}
      description={__(
        'Your own provider keys, the model each AI function runs on, and your versions of its prompt.',
        'igny8',
      )}
    >
      {!admin ? (
        <NotPermitted
          message={__(
            'You can look at these settings; only owners and admins of the account can change them or see provider keys.',
            'igny8',
          )}
        />
      ) : null}
      {admin ? <ProviderKeys /> : null}
      <ModelChoices admin={admin} />
      <PromptOverrides admin={admin} />
    </Page>
  );
}
