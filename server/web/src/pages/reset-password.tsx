import { Button, Notice, TextControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { useState, type FormEvent } from 'react';
import { Link, useSearch } from 'wouter';
import { ApiError, post } from '../api/client';
import { AuthLayout } from '../components/auth-layout';
import { FormError } from '../components/states';
import { useSession } from '../session';

/** The page a reset mail links to: a new password (typed twice); every sign-in ends, then sign in with it. */
export default function ResetPassword() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const { status, signOut } = useSession();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password !== repeat) {
      setError(new ApiError(422, 'VALIDATION', __('The two passwords differ: type the same one twice.', 'igny8')));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await post('/auth/password-reset/confirm', { token, password });
      // The server ended every sign-in; this tab forgets its own too.
      if (status === 'signed-in') await signOut().catch(() => undefined);
      setDone(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const back = (
    <p>
      <Link href="/sign-in">{__('Sign in', 'igny8')}</Link>
    </p>
  );
  if (done) {
    return (
      <AuthLayout title={__('Password changed', 'igny8')} footer={back}>
        <Notice status="success" isDismissible={false}>
          {__('Your password is changed and every sign-in was ended: sign in with the new password.', 'igny8')}
        </Notice>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={__('Choose a new password', 'igny8')} footer={back}>
      {token.length < 20 ? (
        <Notice status="error" isDismissible={false}>
          {__('This link is incomplete. Open the link from the email again, or ask for a new one.', 'igny8')}{' '}
          <Link href="/forgot-password">{__('Ask for a new link', 'igny8')}</Link>
        </Notice>
      ) : (
        <form onSubmit={submit} className="igny8-form" noValidate>
          <FormError error={error} />
          {error instanceof ApiError && error.status === 410 ? (
            <p>
              <Link href="/forgot-password">{__('Ask for a new link', 'igny8')}</Link>
            </p>
          ) : null}
          <TextControl
            __next40pxDefaultSize
            __nextHasNoMarginBottom
            label={__('New password', 'igny8')}
            help={__('At least 10 characters.', 'igny8')}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={setPassword}
            required
          />
          <TextControl
            __next40pxDefaultSize
            __nextHasNoMarginBottom
            label={__('New password again', 'igny8')}
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={setRepeat}
            required
          />
          <Button variant="primary" type="submit" isBusy={busy} disabled={busy} __next40pxDefaultSize>
            {__('Set the new password', 'igny8')}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
