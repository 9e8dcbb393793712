import { __ } from '@wordpress/i18n';
import { lazy, Suspense, type ComponentType } from 'react';
import { Redirect, Route, Router, Switch, useLocation, useSearch } from 'wouter';
import { Loading } from './components/states';
import { Shell } from './components/shell';
import { SignIn } from './pages/sign-in';
import { useSession } from './session';

// Every screen behind sign-in is its own chunk: the first page (sign-in) stays small.
const pages = {
  signUp: lazy(() => import('./pages/sign-up')),
  connect: lazy(() => import('./pages/connect')),
  sites: lazy(() => import('./pages/sites')),
  site: lazy(() => import('./pages/site')),
  team: lazy(() => import('./pages/team')),
  apiKeys: lazy(() => import('./pages/api-keys')),
  account: lazy(() => import('./pages/account')),
  invitationAccept: lazy(() => import('./pages/invitation-accept')),
  forgotPassword: lazy(() => import('./pages/forgot-password')),
  resetPassword: lazy(() => import('./pages/reset-password')),
  confirmEmail: lazy(() => import('./pages/confirm-email')),
  ai: lazy(() => import('./pages/ai')),
  jobs: lazy(() => import('./pages/jobs')),
  usage: lazy(() => import('./pages/usage')),
};

/** Pages anyone may open (they handle a signed-in visitor themselves). */
const PUBLIC: Array<[string, ComponentType]> = [
  ['/sign-up', pages.signUp],
  ['/connect', pages.connect],
  ['/invitations/accept', pages.invitationAccept],
  ['/forgot-password', pages.forgotPassword],
  ['/reset-password', pages.resetPassword],
  ['/confirm-email', pages.confirmEmail],
];

function Private() {
  const { status } = useSession();
  const [location] = useLocation();
  const search = useSearch();
  if (status === 'loading') return <Loading label={__('Signing you in…', 'igny8')} />;
  if (status === 'signed-out') {
    const here = search ? `${location}?${search}` : location;
    const next = here === '/' ? '' : `?next=${encodeURIComponent(here)}`;
    return <Redirect to={`/sign-in${next}`} replace />;
  }
  return (
    <Shell>
      <Suspense fallback={<Loading />}>
        <Switch>
          <Route path="/">
            <Redirect to="/sites" replace />
          </Route>
          <Route path="/sites" component={pages.sites} />
          <Route path="/sites/:siteId" component={pages.site} />
          <Route path="/team" component={pages.team} />
          <Route path="/api-keys" component={pages.apiKeys} />
          <Route path="/account" component={pages.account} />
          <Route path="/ai" component={pages.ai} />
          <Route path="/jobs" component={pages.jobs} />
          <Route path="/usage" component={pages.usage} />
          <Route>
            <NotFound />
          </Route>
        </Switch>
      </Suspense>
    </Shell>
  );
}

function NotFound() {
  return (
    <div className="igny8-state">
      <h1>{__('Page not found', 'igny8')}</h1>
      <p>
        <a href="/app/sites">{__('Go to your sites', 'igny8')}</a>
      </p>
    </div>
  );
}

export function App() {
  return (
    <Router base="/app">
      <Suspense fallback={<Loading />}>
        <Switch>
          <Route path="/sign-in" component={SignIn} />
          {PUBLIC.map(([path, component]) => (
            <Route key={path} path={path} component={component} />
          ))}
          <Route>
            <Private />
          </Route>
        </Switch>
      </Suspense>
    </Router>
  );
}
