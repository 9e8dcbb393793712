import { Button, Modal, Notice, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { post } from '../api/client';
import { Page } from '../components/page';
import { FormError } from '../components/states';
import { formatDate } from '../lib/format';
import { roleLabel } from '../lib/roles';
import { useSession } from '../session';

/** A form's submit state: busy, the server's refusal, or the server's confirmation. */
function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  async function run(work: () => Promise<string>) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await work());
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, done, run };
}

function EmailChange({ current }: { current: string }) {
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, done, run } = useSubmit();
  function submit(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      await post('/auth/email-change', { newEmail, password });
      setPassword('');
      return sprintf(
        __('Open the link we sent to %1$s to confirm it (within a day). Until then, sign in with %2$s.', 'igny8'),
        newEmail,
        current,
      );
    });
  }
  return (
    <form className="igny8-panel igny8-form" onSubmit={submit} aria-labelledby="igny8-email-title">
      <h2 id="igny8-email-title">{__('Email', 'igny8')}</h2>
      <p>
        {sprintf(__('You sign in with %s.', 'igny8'), current)}{' '}
        {__('To change it, we mail a link to the new address; your email changes when you open it.', 'igny8')}
      </p>
      <FormError error={error} />
      {done ? (
        <Notice status="success" isDismissible={false}>
          {done}
        </Notice>
      ) : null}
      <div className="igny8-inline-form">
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('New email', 'igny8')}
          type="email"
          autoComplete="email"
          value={newEmail}
          onChange={setNewEmail}
          required
        />
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Current password', 'igny8')}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          required
        />
        <Button
          variant="primary"
          type="submit"
          isBusy={busy}
          disabled={busy || !newEmail || !password}
          accessibleWhenDisabled
          __next40pxDefaultSize
        >
          {__('Send confirmation link', 'igny8')}
        </Button>
      </div>
    </form>
  );
}

function Password({ email }: { email: string }) {
  const { busy, error, done, run } = useSubmit();
  return (
    <section className="igny8-panel igny8-form" aria-labelledby="igny8-password-title">
      <h2 id="igny8-password-title">{__('Password', 'igny8')}</h2>
      <p>
        {sprintf(
          __('To choose a new password, we mail a link to %s. Setting it ends every sign-in, here too.', 'igny8'),
          email,
        )}
      </p>
      <FormError error={error} />
      {done ? (
        <Notice status="success" isDismissible={false}>
          {done}
        </Notice>
      ) : null}
      <div className="igny8-button-row">
        <Button
          variant="secondary"
          isBusy={busy}
          disabled={busy}
          onClick={() =>
            void run(async () => {
              await post('/auth/password-reset', { email });
              return sprintf(
                __('A link to choose a new password is on its way to %s. It works for an hour.', 'igny8'),
                email,
              );
            })
          }
          __next40pxDefaultSize
        >
          {__('Mail me a password reset link', 'igny8')}
        </Button>
      </div>
    </section>
  );
}

function SignOutEverywhere() {
  const { signOut } = useSession();
  const [, navigate] = useLocation();
  const [asking, setAsking] = useState(false);
  const { busy, error, run } = useSubmit();
  return (
    <section className="igny8-panel igny8-form" aria-labelledby="igny8-sessions-title">
      <h2 id="igny8-sessions-title">{__('Sign-ins', 'igny8')}</h2>
      <p>
        {__(
          'Lost a device, or signed in on a shared computer? Sign out everywhere ends every sign-in of yours, in every account and browser, this one included.',
          'igny8',
        )}
      </p>
      <FormError error={error} />
      <div className="igny8-button-row">
        <Button variant="secondary" isDestructive onClick={() => setAsking(true)} __next40pxDefaultSize>
          {__('Sign out everywhere', 'igny8')}
        </Button>
      </div>
      {asking ? (
        <Modal title={__('Sign out everywhere?', 'igny8')} onRequestClose={() => setAsking(false)} size="small">
          <div className="igny8-form">
            <p>{__('Every browser and device signed in as you must sign in again.', 'igny8')}</p>
            <div className="igny8-button-row">
              <Button variant="tertiary" onClick={() => setAsking(false)} __next40pxDefaultSize>
                {__('Cancel', 'igny8')}
              </Button>
              <Button
                variant="primary"
                isDestructive
                isBusy={busy}
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await signOut(true);
                    navigate('/sign-in', { replace: true });
                    return '';
                  })
                }
                __next40pxDefaultSize
              >
                {__('Sign out everywhere', 'igny8')}
              </Button>
            </div>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

/** The signed-in person's own settings: email, password, sign-ins. */
export default function Account() {
  const { session } = useSession();
  if (!session) return null;
  return (
    <Page
      title={__('Your account', 'igny8')}
      description={sprintf(
        __('%1$s, %2$s of %3$s, user since %4$s.', 'igny8'),
        session.user.name,
        roleLabel(session.role).toLowerCase(),
        session.account.name,
        formatDate(session.user.createdAt),
      )}
    >
      <EmailChange current={session.user.email} />
      <Password email={session.user.email} />
      <SignOutEverywhere />
    </Page>
  );
}
