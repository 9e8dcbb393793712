import { Button, Notice } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useState } from 'react';
import { Link, useSearch } from 'wouter';
import { post } from '../api/client';
import { AuthLayout } from '../components/auth-layout';
import { FormError } from '../components/states';
import { useSession } from '../session';

/**
 * The page an email change mail links to. The change waits for a press of the button, so a mail scanner that
 * opens links does not confirm it.
 */
export default function ConfirmEmail() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const { status, reload } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [email, setEmail] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const result = await post<{ email: string }>('/auth/email-change/confirm', { token });
      setEmail(result.email);
      if (status === 'signed-in') await reload().catch(() => undefined);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const next =
    status === 'signed-in' ? (
      <Link href="/account">{__('Back to your account', 'igny8')}</Link>
    ) : (
      <Link href="/sign-in">{__('Sign in', 'igny8')}</Link>
    );
  return (
    <AuthLayout title={__('Confirm your new email', 'igny8')} footer={<p>{next}</p>}>
      {email ? (
        <Notice status="success" isDismissible={false}>
          {sprintf(__('Your email is now %s: sign in with it from now on.', 'igny8'), email)}
        </Notice>
      ) : token.length < 20 ? (
        <Notice status="error" isDismissible={false}>
          {__('This link is incomplete. Open the link from the email again.', 'igny8')}
        </Notice>
      ) : (
        <div className="igny8-form">
          <p>{__('Press the button to make this address the one you sign in with.', 'igny8')}</p>
          <FormError error={error} />
          <Button variant="primary" onClick={() => void confirm()} isBusy={busy} disabled={busy} __next40pxDefaultSize>
            {__('Confirm my new email', 'igny8')}
          </Button>
        </div>
      )}
    </AuthLayout>
  );
}
