// A small router for the pages' paths: the location is the state, links push to the history,
// and the back button works. Everything under the app's base path is served the same HTML.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

export const navigate = (to: string, options: { replace?: boolean } = {}): void => {
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const listener of listeners) listener();
};

addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

/** The current path, without a trailing slash (`/account/` is `/account`), and its query. */
export const useLocation = (): { path: string; query: URLSearchParams } => {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((version) => version + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return { path: location.pathname.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) };
};

/** A click on a same-origin link, without a modifier key: handled here, without a page load. */
export const followLink = (event: MouseEvent): void => {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  )
    return;
  const anchor = (event.target as Element | null)?.closest('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin)
    return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
};
