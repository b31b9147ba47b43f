// Sessions: every live session of the reader, this one marked; revoke one, or all of them.
import { useEffect, useState } from 'preact/hooks';
import { call, forget, type User } from '../api';
import { navigate } from '../router';
import { strings } from '../strings';
import { Button, describeFailure, formatTime, Page } from '../ui';
import { paths } from './paths';

interface ListedSession {
  readonly id: string;
  readonly created_at: string;
  readonly last_used_at: string;
  readonly user_agent: string | null;
  readonly current: boolean;
}

const t = strings.sessions;

export const Sessions = ({ user }: { user: User }) => {
  const [items, setItems] = useState<readonly ListedSession[] | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const load = async () => {
    const answer = await call<{ items: ListedSession[] }>('GET', `/users/${user.id}/sessions`);
    setItems(answer.items);
  };
  useEffect(() => {
    load().catch((error: unknown) => setMessage(describeFailure(error, []).message));
  }, [user.id]);

  const act = async (key: string, work: () => Promise<void>) => {
    if (busy) return;
    setBusy(key);
    setMessage(undefined);
    try {
      await work();
    } catch (error) {
      setMessage(describeFailure(error, []).message);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Page title={t.title}>
      <p>{t.intro}</p>
      {message && (
        <p class="form-error" role="alert">
          {message}
        </p>
      )}
      {items === undefined ? (
        <p role="status">{strings.status.loading}</p>
      ) : (
        <ul class="sessions">
          {items.map((session) => (
            <li key={session.id} class={session.current ? 'current' : undefined}>
              <p id={`session-${session.id}`}>
                <strong>{session.user_agent || t.unknownDevice}</strong>
                {session.current && <span class="badge">{t.current}</span>}
                <br />
                {t.started} {formatTime(session.created_at)} · {t.lastUsed} {formatTime(session.last_used_at)}
              </p>
              {!session.current && (
                <Button
                  type="button"
                  kind="secondary"
                  busy={busy === session.id}
                  describedBy={`session-${session.id}`}
                  onClick={() =>
                    act(session.id, async () => {
                      await call('DELETE', `/users/${user.id}/sessions/${session.id}`);
                      await load();
                    })
                  }
                >
                  {strings.buttons.revoke}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <p id="everywhere-hint">{t.everywhereHint}</p>
      <Button
        type="button"
        kind="danger"
        busy={busy === 'all'}
        describedBy="everywhere-hint"
        onClick={() =>
          act('all', async () => {
            await call('DELETE', `/users/${user.id}/sessions`);
            forget();
            navigate(`${paths.signIn}?notice=ended`);
          })
        }
      >
        {strings.buttons.signOutEverywhere}
      </Button>
    </Page>
  );
};
