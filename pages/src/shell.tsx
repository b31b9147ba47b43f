// What the account pages and the console share around their pages: the session brought back
// after a reload, the header with the product's name, its navigation and "Sign out", and the
// wiring of links, the brand and a lost session. Each app gives its navigation and its content.
import type { JSX } from 'preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentUser, refresh, signOut, subscribe, type User, whenSessionLost } from './api';
import { followLink, navigate, useLocation } from './router';
import { strings } from './strings';
import { applyBrand, Button, productName } from './ui';

export interface AppOptions {
  /** Where the header's name leads, and where signing out lands. */
  readonly home: (user: User | undefined) => string;
  readonly signIn: string;
  readonly navLabel: string;
  readonly nav: (user: User) => readonly (readonly [path: string, label: string])[];
  readonly Content: (props: { user: User | undefined }) => JSX.Element | null;
  /** Room for tables (the console). */
  readonly wide?: boolean;
}

const useUser = (): User | undefined => {
  const [user, setUser] = useState(currentUser());
  useEffect(() => subscribe(() => setUser(currentUser())), []);
  return user;
};

const Header = ({ user, options }: { user: User | undefined; options: AppOptions }) => {
  const [busy, setBusy] = useState(false);
  const { path: current } = useLocation();
  return (
    <header class="top">
      <p class="brand">
        <a href={options.home(user)}>{productName()}</a>
      </p>
      {user && (
        <>
          <nav aria-label={options.navLabel}>
            <ul>
              {options.nav(user).map(([path, label]) => (
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
              navigate(options.signIn);
            }}
          >
            {strings.buttons.signOut}
          </Button>
        </>
      )}
    </header>
  );
};

const App = ({ options }: { options: AppOptions }) => {
  const [ready, setReady] = useState(false);
  const user = useUser();
  useEffect(() => {
    // A reload: the refresh token kept in this tab brings the session back.
    refresh().finally(() => setReady(true));
  }, []);
  const { Content } = options;
  return (
    <>
      <Header user={user} options={options} />
      <main class={options.wide ? 'wide' : undefined}>
        {ready ? <Content user={user} /> : <p role="status">{strings.status.loading}</p>}
      </main>
    </>
  );
};

/** Renders the app into the page's #app. */
export const startApp = (options: AppOptions): void => {
  applyBrand();
  whenSessionLost(() => navigate(`${options.signIn}?notice=ended`));
  document.addEventListener('click', followLink);
  const root = document.getElementById('app');
  if (root) render(<App options={options} />, root);
};
