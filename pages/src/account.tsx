// The account pages (/account/…): the entry module. It resumes a session kept in this tab (a
// reload), routes each path to its page, and keeps the signed-in pages behind sign-in.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DeleteAccount } from './account/delete-account';
import { ForgotPassword, ResetPassword, SignUp, VerifyEmail } from './account/mail-links';
import { BASE, paths } from './account/paths';
import { Profile } from './account/profile';
import { Sessions } from './account/sessions';
import { SignIn } from './account/sign-in';
import { TwoStep } from './account/two-step';
import { currentUser, refresh, signOut, subscribe, type User, whenSessionLost } from './api';
import { followLink, navigate, useLocation } from './router';
import { strings } from './strings';
import { applyBrand, Button, Page, productName } from './ui';
import './styles.css';

const useUser = (): User | undefined => {
  const [user, setUser] = useState(currentUser());
  useEffect(() => subscribe(() => setUser(currentUser())), []);
  return user;
};

const PRIVATE: Readonly<Record<string, (props: { user: User }) => preact.JSX.Element>> = {
  [paths.profile]: Profile,
  [paths.sessions]: Sessions,
  [paths.twoStep]: TwoStep,
  [paths.deleteAccount]: DeleteAccount,
};

const NAV = [
  [paths.profile, strings.nav.profile],
  [paths.sessions, strings.nav.sessions],
  [paths.twoStep, strings.nav.twoStep],
  [paths.deleteAccount, strings.nav.deleteAccount],
] as const;

const Header = ({ user }: { user: User | undefined }) => {
  const [busy, setBusy] = useState(false);
  const { path: current } = useLocation();
  return (
    <header class="top">
      <p class="brand">
        <a href={user ? paths.profile : paths.signIn}>{productName()}</a>
      </p>
      {user && (
        <>
          <nav aria-label={strings.nav.label}>
            <ul>
              {NAV.map(([path, label]) => (
                <li key={path}>
                  <a href={path} aria-current={current === path ? 'page' : undefined}>
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <Button
            type="button"
            kind="secondary"
            busy={busy}
            onClick={async () => {
              setBusy(true);
              await signOut();
              setBusy(false);
              navigate(paths.signIn);
            }}
          >
            {strings.buttons.signOut}
          </Button>
        </>
      )}
    </header>
  );
};

const Content = ({ user }: { user: User | undefined }) => {
  const { path, query } = useLocation();
  const Private = PRIVATE[path];
  useEffect(() => {
    if (Private && !user) navigate(paths.signIn, { replace: true });
    if (path === BASE && user) navigate(paths.profile, { replace: true });
  }, [path, user, Private]);
  if (Private) return user ? <Private user={user} /> : null;
  switch (path) {
    case BASE:
    case `${BASE}/sign-in`:
      return <SignIn key={query.get('notice')} notice={query.get('notice')} />;
    case paths.signUp:
      return <SignUp />;
    case paths.forgot:
      return <ForgotPassword />;
    case paths.verifyEmail:
      return <VerifyEmail token={query.get('token')} />;
    case paths.resetPassword:
      return <ResetPassword token={query.get('token')} />;
    default:
      return (
        <Page title={strings.notFound.title}>
          <p>
            <a href={paths.signIn}>{strings.notFound.back}</a>
          </p>
        </Page>
      );
  }
};

const App = () => {
  const [ready, setReady] = useState(false);
  const user = useUser();
  useEffect(() => {
    // A reload: the refresh token kept in this tab brings the session back.
    refresh().finally(() => setReady(true));
  }, []);
  return (
    <>
      <Header user={user} />
      <main>{ready ? <Content user={user} /> : <p role="status">{strings.status.loading}</p>}</main>
    </>
  );
};

applyBrand();
whenSessionLost(() => navigate(`${paths.signIn}?notice=ended`));
document.addEventListener('click', followLink);
const root = document.getElementById('app');
if (root) render(<App />, root);
