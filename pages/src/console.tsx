// The admin console (/console/…): the entry module. Admins only: anyone else who signs in is told
// so and sees no data. The same sign-in, session and API client as the account pages.
import { useEffect } from 'preact/hooks';
import { paths as accountPaths } from './account/paths';
import type { User } from './api';
import { Events } from './console/events';
import { NewUser } from './console/new-user';
import { CONSOLE_BASE, consolePaths } from './console/paths';
import { UserPage } from './console/user';
import { Users } from './console/users';
import { navigate, useLocation } from './router';
import { startApp } from './shell';
import { SignIn } from './sign-in';
import { strings } from './strings';
import { Page } from './ui';
import './styles.css';

const t = strings.console;
const USER_PATH = /^\/console\/users\/([^/]+)$/;

/** Where a signed-in admin goes: the deep link they opened, or the users. */
const nextOf = (query: URLSearchParams) => {
  const next = query.get('next') ?? '';
  return next.startsWith(`${CONSOLE_BASE}/`) && !next.startsWith('//') ? next : consolePaths.users;
};

const NotAdmin = ({ user }: { user: User }) => (
  <Page title={t.notAdmin.title}>
    <p>{t.notAdmin.body(user.email)}</p>
    <p>
      <a href={accountPaths.profile}>{t.notAdmin.account}</a>
    </p>
  </Page>
);

const Content = ({ user }: { user: User | undefined }) => {
  const { path, query } = useLocation();
  useEffect(() => {
    if (!user && path !== CONSOLE_BASE)
      navigate(`${consolePaths.signIn}?next=${encodeURIComponent(location.pathname + location.search)}`, {
        replace: true,
      });
    if (user && path === CONSOLE_BASE) navigate(nextOf(query), { replace: true });
  }, [path, user]);
  if (!user)
    return path === CONSOLE_BASE ? (
      <SignIn key={query.get('notice')} notice={query.get('notice')} home={nextOf(query)} />
    ) : null;
  if (user.role !== 'admin') return <NotAdmin user={user} />;
  if (path === consolePaths.users) return <Users query={query} />;
  if (path === consolePaths.newUser) return <NewUser />;
  if (path === consolePaths.events) return <Events query={query} />;
  const id = USER_PATH.exec(path)?.[1];
  if (id) return <UserPage key={id} id={decodeURIComponent(id)} />;
  return path === CONSOLE_BASE ? null : (
    <Page title={strings.notFound.title}>
      <p>
        <a href={consolePaths.users}>{t.users.title}</a>
      </p>
    </Page>
  );
};

startApp({
  home: (user) => (user ? consolePaths.users : consolePaths.signIn),
  signIn: consolePaths.signIn,
  navLabel: t.navLabel,
  nav: (user) =>
    user.role === 'admin'
      ? [
          [consolePaths.users, t.users.title],
          [consolePaths.events, t.events.title],
        ]
      : [],
  Content,
  wide: true,
});
