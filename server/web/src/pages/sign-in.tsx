import type { TAuthResult } from '@igny8/shared';
import { Button, TextControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { useState, type FormEvent } from 'react';
import { Link, Redirect, useLocation, useSearch } from 'wouter';
import { post, SESSION_HEADER } from '../api/client';
import { AuthLayout } from '../components/auth-layout';
import { FormError } from '../components/states';
import { safeNext } from '../lib/next';
import { useSession } from '../session';

/** Sign in with email and password; the refresh token comes back as an httpOnly cookie, never in the page. */
export function SignIn() {
  const search = useSearch();
  const next = safeNext(search);
  const { status, establish } = useSession();
  const [, navigate] = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (status === 'signed-in') return <Redirect to={next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      establish(await post<TAuthResult>('/auth/login', { email, password }, SESSION_HEADER));
      navigate(next, { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const keep = search ? `?${search}` : '';
  return (
    <AuthLayout
      title={__('Sign in to IGNY8', 'igny8')}
      footer={
        <p>
          {__('New to IGNY8?', 'igny8')} <Link href={`/sign-up${keep}`}>{__('Create an account', 'igny8')}</Link>
        </p>
      }
    >
      <form onSubmit={submit} className="igny8-form" noValidate>
        <FormError error={error} />
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Email', 'igny8')}
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          required
        />
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Password', 'igny8')}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          required
        />
        <Button variant="primary" type="submit" isBusy={busy} disabled={busy} __next40pxDefaultSize>
          {__('Sign in', 'igny8')}
        </Button>
        <p>
          <Link href="/forgot-password">{__('Forgot your password?', 'igny8')}</Link>
        </p>
      </form>
    </AuthLayout>
  );
}
