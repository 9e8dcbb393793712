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

/** A new account with its owner and trial credits, signed in at once. */
export default function SignUp() {
  const search = useSearch();
  const next = safeNext(search);
  const { status, establish } = useSession();
  const [, navigate] = useLocation();
  const [form, setForm] = useState({ name: '', email: '', password: '', accountName: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (status === 'signed-in') return <Redirect to={next} replace />;

  const field = (key: keyof typeof form) => (value: string) => setForm((current) => ({ ...current, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      establish(await post<TAuthResult>('/auth/register', form, SESSION_HEADER));
      navigate(next, { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title={__('Create your IGNY8 account', 'igny8')}
      footer={
        <p>
          {__('Already have an account?', 'igny8')}{' '}
          <Link href={`/sign-in${search ? `?${search}` : ''}`}>{__('Sign in', 'igny8')}</Link>
        </p>
      }
    >
      <p>{__('Your account starts with trial credits: enough to try every step on your own site.', 'igny8')}</p>
      <form onSubmit={submit} className="igny8-form" noValidate>
        <FormError error={error} />
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Your name', 'igny8')}
          autoComplete="name"
          value={form.name}
          onChange={field('name')}
          required
        />
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Email', 'igny8')}
          type="email"
          autoComplete="email"
          value={form.email}
          onChange={field('email')}
          required
        />
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Password', 'igny8')}
          help={__('At least 10 characters.', 'igny8')}
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={field('password')}
          required
        />
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Account or agency name', 'igny8')}
          autoComplete="organization"
          value={form.accountName}
          onChange={field('accountName')}
          required
        />
        <Button variant="primary" type="submit" isBusy={busy} disabled={busy} __next40pxDefaultSize>
          {__('Create account', 'igny8')}
        </Button>
      </form>
    </AuthLayout>
  );
}
