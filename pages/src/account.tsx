// The account pages (/account/…): the entry module. Each path goes to its page; the signed-in
// pages wait behind sign-in (shell.tsx brings a session back after a reload).
import { useEffect } from 'preact/hooks';
import { DeleteAccount } from './account/delete-account';
import { ForgotPassword, ResetPassword, SignUp, VerifyEmail } from './account/mail-links';
import { BASE, paths } from './account/paths';
import { Profile } from './account/profile';
import { Sessions } from './account/sessions';
import { TwoStep } from './account/two-step';
import type { User } from './api';
import { navigate, useLocation } from './router';
import { startApp } from './shell';
import { SignIn } from './sign-in';
import { strings } from './strings';
import { Page } from './ui';
import './styles.css';

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
      return (
        <SignIn
          key={query.get('notice')}
          notice={query.get('notice')}
          home={paths.profile}
          signUp={paths.signUp}
          forgot={paths.forgot}
        />
      );
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

startApp({
  home: (user) => (user ? paths.profile : paths.signIn),
  signIn: paths.signIn,
  navLabel: strings.nav.label,
  nav: () => NAV,
  Content,
});
