import type { TAuthResult, TRole } from '@igny8/shared';
import { useQuery } from '@tanstack/react-query';
import { Button, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { post, SESSION_HEADER } from '../api/client';
import { AuthLayout } from '../components/auth-layout';
import { ErrorState, FormError, Loading } from '../components/states';
import { formatDateTime } from '../lib/format';
import { roleLabel } from '../lib/roles';
import { useSession } from '../session';

interface Preview {
  accountName: string;
  email: string;
  role: TRole;
  expiresAt: string;
  existingUser: boolean;
}

/**
 * The page an invitation mail links to: what the invitation is for, then sign in (an existing user, with their
 * password) or sign up (a new one) with the invited email, which accepts it and lands in that account.
 */
export default function InvitationAccept() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const { establish } = useSession();
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const preview = useQuery({
    queryKey: ['invitation-preview', token],
    queryFn: () => post<Preview>('/invitations/preview', { token }),
    enabled: token.length >= 20,
    retry: false,
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = preview.data?.existingUser ? { token, password } : { token, password, name };
      establish(await post<TAuthResult>('/invitations/accept', body, SESSION_HEADER));
      navigate('/sites', { replace: true });
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  if (token.length < 20) {
    return (
      <AuthLayout title={__('Accept an invitation', 'igny8')}>
        <p>
          {__(
            'This link is incomplete. Open the link from the invitation email again, or ask for a new invitation.',
            'igny8',
          )}
        </p>
      </AuthLayout>
    );
  }
  if (preview.isPending) return <Loading label={__('Checking your invitation…', 'igny8')} />;
  if (preview.isError) {
    return (
      <AuthLayout
        title={__('Accept an invitation', 'igny8')}
        footer={
          <p>
            <Link href="/sign-in">{__('Sign in', 'igny8')}</Link>
          </p>
        }
      >
        <ErrorState error={preview.error} />
      </AuthLayout>
    );
  }
  const invitation = preview.data;
  return (
    <AuthLayout title={sprintf(__('Join %s on IGNY8', 'igny8'), invitation.accountName)}>
      <p>
        {sprintf(
          __('You are invited as %1$s. This invitation is for %2$s and works until %3$s.', 'igny8'),
          roleLabel(invitation.role).toLowerCase(),
          invitation.email,
          formatDateTime(invitation.expiresAt),
        )}
      </p>
      <form onSubmit={submit} className="igny8-form" noValidate>
        <FormError error={error} />
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Email', 'igny8')}
          type="email"
          value={invitation.email}
          readOnly
          onChange={() => undefined}
        />
        {invitation.existingUser ? (
          <p className="igny8-muted">{__('You already have an IGNY8 user: sign in with its password.', 'igny8')}</p>
        ) : (
          <TextControl
            __next40pxDefaultSize
            __nextHasNoMarginBottom
            label={__('Your name', 'igny8')}
            autoComplete="name"
            value={name}
            onChange={setName}
            required
          />
        )}
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={invitation.existingUser ? __('Password', 'igny8') : __('Choose a password', 'igny8')}
          help={invitation.existingUser ? undefined : __('At least 10 characters.', 'igny8')}
          type="password"
          autoComplete={invitation.existingUser ? 'current-password' : 'new-password'}
          value={password}
          onChange={setPassword}
          required
        />
        <Button variant="primary" type="submit" isBusy={busy} disabled={busy} __next40pxDefaultSize>
          {invitation.existingUser ? __('Sign in and accept', 'igny8') : __('Create my user and accept', 'igny8')}
        </Button>
        {invitation.existingUser ? (
          <p>
            <Link href="/forgot-password">{__('Forgot your password?', 'igny8')}</Link>
          </p>
        ) : null}
      </form>
    </AuthLayout>
  );
}
