import type { TConnectGrant, TConnectGrantPreview } from '@igny8/shared';
import { Button, SelectControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearch } from 'wouter';
import { get, post } from '../api/client';
import { AuthLayout } from '../components/auth-layout';
import { ErrorState, FormError, Loading, NotPermitted } from '../components/states';
import { useSession } from '../session';

/**
 * Connect to IGNY8: the plugin's Connection screen sends an admin here with the site's URL, a single-use state and
 * the address to come back to. The member signs in or signs up, picks the account and a first sector, and approves;
 * the server issues a single-use grant for that site and state, and the browser goes back to the site's wp-admin,
 * where the plugin finishes the signed handshake on its own.
 */
export default function Connect() {
  const search = useSearch();
  const params = new URLSearchParams(search);
  const siteUrl = params.get('site_url') ?? '';
  const state = params.get('state') ?? '';
  const returnUrl = params.get('return_url') ?? '';
  const complete = siteUrl !== '' && state !== '' && returnUrl !== '';
  const { status, session, switchAccount, can } = useSession();

  const preview = useQuery({
    queryKey: ['connect-preview', siteUrl, returnUrl],
    queryFn: () => get<TConnectGrantPreview>('/connect/grants/preview', { siteUrl, returnUrl }),
    enabled: complete,
    staleTime: Infinity,
  });

  const title = __('Connect a WordPress site', 'igny8');
  const startAgain = __(
    'Go back to your WordPress site, open IGNY8 > Connection and press “Connect to IGNY8” again.',
    'igny8',
  );

  if (!complete) {
    return (
      <AuthLayout title={title}>
        <p role="alert">{__('This connection link is incomplete.', 'igny8')}</p>
        <p>{startAgain}</p>
      </AuthLayout>
    );
  }
  if (preview.isPending || status === 'loading') {
    return (
      <AuthLayout title={title}>
        <Loading />
      </AuthLayout>
    );
  }
  if (preview.isError) {
    return (
      <AuthLayout title={title}>
        <ErrorState error={preview.error} retry={() => void preview.refetch()} />
      </AuthLayout>
    );
  }
  if (!preview.data.ok) {
    return (
      <AuthLayout title={title}>
        <p role="alert">{preview.data.problem?.message}</p>
        <p>{startAgain}</p>
      </AuthLayout>
    );
  }

  const site = preview.data.siteUrl;
  const here = `/connect?${search}`;
  if (status === 'signed-out' || !session) {
    return (
      <AuthLayout title={title}>
        <p>
          {sprintf(
            /* translators: %s: the WordPress site's address */
            __('%s asks to connect to IGNY8. Sign in, or create a free account, to approve it.', 'igny8'),
            site,
          )}
        </p>
        <div className="igny8-button-row">
          <Link
            className="components-button is-primary is-next-40px-default-size"
            href={`/sign-in?next=${encodeURIComponent(here)}`}
          >
            {__('Sign in', 'igny8')}
          </Link>
          <Link
            className="components-button is-secondary is-next-40px-default-size"
            href={`/sign-up?next=${encodeURIComponent(here)}`}
          >
            {__('Create an account', 'igny8')}
          </Link>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={title}>
      <p>
        {sprintf(
          /* translators: %s: the WordPress site's address */
          __(
            'Connect %s to an IGNY8 account. IGNY8 will then write and publish posts there when you ask it to.',
            'igny8',
          ),
          site,
        )}
      </p>
      {session.accounts.length > 1 ? (
        <SelectControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Account', 'igny8')}
          value={session.account.id}
          options={session.accounts.map((account) => ({ value: account.id, label: account.name }))}
          onChange={(accountId: string) => void switchAccount(accountId)}
        />
      ) : (
        <p>
          {__('Account:', 'igny8')} <strong>{session.account.name}</strong>
        </p>
      )}
      {can('admin') ? (
        <ApproveForm siteUrl={siteUrl} state={state} returnUrl={returnUrl} />
      ) : (
        <NotPermitted
          message={__(
            'Only an owner or admin of this account can connect a site. Ask one of them, or pick another account.',
            'igny8',
          )}
        />
      )}
    </AuthLayout>
  );
}

function ApproveForm({ siteUrl, state, returnUrl }: { siteUrl: string; state: string; returnUrl: string }) {
  const [sector, setSector] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function approve(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const grant = await post<TConnectGrant>('/connect/grants', {
        siteUrl,
        state,
        returnUrl,
        ...(sector.trim() ? { sector: { name: sector.trim() } } : {}),
      });
      window.location.assign(grant.redirectUrl);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <form className="igny8-form" onSubmit={approve}>
      <FormError error={error} />
      <TextControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={__('First sector (optional)', 'igny8')}
        help={__('A topic area of the site, such as “Running shoes”. You can add more later.', 'igny8')}
        value={sector}
        onChange={setSector}
      />
      <div className="igny8-button-row">
        <Button variant="primary" type="submit" isBusy={busy} disabled={busy} __next40pxDefaultSize>
          {__('Approve and return to WordPress', 'igny8')}
        </Button>
        <Button variant="tertiary" href={returnUrl} __next40pxDefaultSize>
          {__('Cancel', 'igny8')}
        </Button>
      </div>
    </form>
  );
}
