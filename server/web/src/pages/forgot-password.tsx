import { Button, Notice, TextControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { post } from '../api/client';
import { AuthLayout } from '../components/auth-layout';
import { FormError } from '../components/states';

/** Asks for a reset link by mail; the answer is the same whether or not the email has a user. */
export default function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/auth/password-reset', { email });
      setSent(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title={__('Reset your password', 'igny8')}
      footer={
        <p>
          <Link href="/sign-in">{__('Back to sign in', 'igny8')}</Link>
        </p>
      }
    >
      {sent ? (
        <Notice status="success" isDismissible={false}>
          {__(
            'If a user has this email, a link to choose a new password is on its way. It works for an hour. Check your spam folder if it does not arrive.',
            'igny8',
          )}
        </Notice>
      ) : (
        <form onSubmit={submit} className="igny8-form" noValidate>
          <p>{__('Enter the email you sign in with: we mail you a link to choose a new password.', 'igny8')}</p>
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
          <Button variant="primary" type="submit" isBusy={busy} disabled={busy} __next40pxDefaultSize>
            {__('Mail me a link', 'igny8')}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
