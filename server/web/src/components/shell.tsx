import { Button, Notice, SelectControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { Link, useLocation } from 'wouter';
import { useSession } from '../session';

const NAV: Array<{ path: string; label: () => string }> = [
  { path: '/sites', label: () => __('Sites', 'igny8') },
  { path: '/jobs', label: () => __('Jobs', 'igny8') },
  { path: '/usage', label: () => __('Usage and credits', 'igny8') },
  { path: '/team', label: () => __('Team', 'igny8') },
  { path: '/api-keys', label: () => __('API and connection keys', 'igny8') },
  { path: '/ai', label: () => __('AI settings', 'igny8') },
  { path: '/account', label: () => __('Your account', 'igny8') },
];

/** The frame around every signed-in screen: a skip link, the navigation, the account switcher and sign-out. */
export function Shell({ children }: { children: ReactNode }) {
  const { session, signOut, switchAccount } = useSession();
  const [location, navigate] = useLocation();
  const [switchError, setSwitchError] = useState<string | null>(null);
  if (!session) return null;
  return (
    <div className="igny8-shell">
      <a className="igny8-skip" href="#igny8-main">
        {__('Skip to content', 'igny8')}
      </a>
      <header className="igny8-topbar">
        <Link href="/sites" className="igny8-brand">
          IGNY8
        </Link>
        <div className="igny8-topbar__account">
          {session.accounts.length > 1 ? (
            <SelectControl
              __next40pxDefaultSize
              __nextHasNoMarginBottom
              label={__('Account', 'igny8')}
              hideLabelFromVision
              value={session.account.id}
              options={session.accounts.map((account) => ({ value: account.id, label: account.name }))}
              onChange={(accountId: string) => {
                setSwitchError(null);
                switchAccount(accountId).then(
                  () => navigate('/sites'),
                  (error: unknown) =>
                    setSwitchError(
                      error instanceof ApiError
                        ? error.message
                        : __('Could not switch accounts. Check your connection and try again.', 'igny8'),
                    ),
                );
              }}
            />
          ) : (
            <span className="igny8-topbar__name">{session.account.name}</span>
          )}
          <span className="igny8-muted">{session.user.email}</span>
          <Button variant="tertiary" onClick={() => void signOut()}>
            {__('Sign out', 'igny8')}
          </Button>
        </div>
      </header>
      <div className="igny8-body">
        <nav className="igny8-nav" aria-label={__('Main', 'igny8')}>
          <ul>
            {NAV.map((item) => {
              const current = location === item.path || location.startsWith(`${item.path}/`);
              return (
                <li key={item.path}>
                  <Link href={item.path} aria-current={current ? 'page' : undefined}>
                    {item.label()}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="igny8-main" className="igny8-main" tabIndex={-1}>
          {switchError ? (
            <Notice status="error" onRemove={() => setSwitchError(null)}>
              {switchError}
            </Notice>
          ) : null}
          {children}
        </main>
      </div>
    </div>
  );
}
