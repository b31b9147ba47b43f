// One user, as an admin sees them: their fields and role, disable and enable, their sessions,
// the second factor, a password-reset mail, deletion and their events. Every change goes through
// the public API with the admin's own token, so the trail names the admin as its actor.
import { useEffect, useState } from 'preact/hooks';
import { call, currentUser, forget, type User } from '../api';
import { navigate } from '../router';
import { type Proof, useStepUp } from '../step-up';
import { strings } from '../strings';
import {
  Button,
  describeFailure,
  EmailField,
  Field,
  type FormState,
  formatTime,
  Notice,
  Page,
  SavingSection,
  useForm,
} from '../ui';
import { Confirmed } from './confirm';
import { EventList, type TrailEvent } from './events';
import { consolePaths } from './paths';

const t = strings.console.user;
const EVENTS_PER_PAGE = 25;

interface EventPage {
  readonly items: TrailEvent[];
  readonly next_cursor: string | null;
}

interface ListedSession {
  readonly id: string;
  readonly created_at: string;
  readonly last_used_at: string;
  readonly user_agent: string | null;
}

export const UserPage = ({ id }: { id: string }) => {
  const [user, setUser] = useState<User | undefined>();
  const [sessions, setSessions] = useState<readonly ListedSession[]>([]);
  const [events, setEvents] = useState<readonly TrailEvent[]>([]);
  const [olderEvents, setOlderEvents] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const load = async () => {
    const [read, listed, trail] = await Promise.all([
      call<User>('GET', `/users/${id}`),
      call<{ items: ListedSession[] }>('GET', `/users/${id}/sessions`),
      call<EventPage>('GET', `/users/${id}/events?limit=${EVENTS_PER_PAGE}`),
    ]);
    setUser(read);
    setSessions(listed.items);
    setEvents(trail.items);
    setOlderEvents(trail.next_cursor);
  };
  const readOlderEvents = async (cursor: string) => {
    const query = new URLSearchParams({ limit: String(EVENTS_PER_PAGE), cursor });
    const older = await call<EventPage>('GET', `/users/${id}/events?${query}`);
    setEvents((shown) => [...shown, ...older.items]);
    setOlderEvents(older.next_cursor);
  };
  const stepUp = useStepUp();
  useEffect(() => {
    load().catch((error: unknown) => setMessage(describeFailure(error, []).message));
  }, [id]);

  /**
   * Runs one action with its button busy; its outcome is said, and the page read again. An admin
   * acting on their own user may be asked for recent authentication (step-up): the prompt then
   * sends the same call again with the proof.
   */
  const act = async (
    key: string,
    done: string,
    work: (proof: Proof | undefined) => Promise<unknown>,
  ): Promise<void> => {
    if (busy) return;
    setBusy(key);
    setMessage(undefined);
    setNotice(undefined);
    try {
      await stepUp.run(async (proof) => {
        await work(proof);
        setNotice(done);
        await load();
      });
    } catch (error) {
      setMessage(describeFailure(error, []).message);
    } finally {
      setBusy(undefined);
    }
  };

  if (!user)
    return (
      <Page title={t.loadingTitle}>
        {message ? (
          <p class="form-error" role="alert">
            {message}
          </p>
        ) : (
          <p role="status">{strings.status.loading}</p>
        )}
      </Page>
    );

  return (
    <Page title={user.email}>
      {message && (
        <p class="form-error" role="alert">
          {message}
        </p>
      )}
      {notice && <Notice>{notice}</Notice>}
      {stepUp.prompt}
      <dl class="details">
        <dt>{strings.console.users.status}</dt>
        <dd>{user.status}</dd>
        <dt>{strings.console.users.verified}</dt>
        <dd>{user.email_verified ? strings.console.users.yes : strings.console.users.no}</dd>
        <dt>{strings.console.users.twoStep}</dt>
        <dd>{user.mfa_enabled ? strings.console.users.on : strings.console.users.off}</dd>
        <dt>{strings.console.users.lastLogin}</dt>
        <dd>{formatTime(user.last_login)}</dd>
        <dt>{strings.console.users.created}</dt>
        <dd>{formatTime(user.created_at)}</dd>
      </dl>
      <UserFields user={user} saved={(next) => setUser(next)} />

      <section aria-labelledby="status-title">
        <h2 id="status-title">{t.statusTitle}</h2>
        <div class="actions">
          {user.status === 'active' ? (
            <Confirmed
              action={strings.buttons.disableUser}
              question={t.disableQuestion(user.email)}
              busy={busy === 'status'}
              onConfirm={() =>
                act('status', t.disabled, () =>
                  call('PATCH', `/users/${id}`, { body: { status: 'disabled' } }),
                )
              }
            />
          ) : (
            <Confirmed
              action={strings.buttons.enableUser}
              kind="secondary"
              question={t.enableQuestion(user.email)}
              busy={busy === 'status'}
              onConfirm={() =>
                act('status', t.enabled, () => call('PATCH', `/users/${id}`, { body: { status: 'active' } }))
              }
            />
          )}
          <Confirmed
            action={t.sendReset}
            kind="secondary"
            question={t.resetQuestion(user.email)}
            busy={busy === 'reset'}
            onConfirm={() =>
              act('reset', t.resetSent, () =>
                call('POST', '/password-reset', { body: { email: user.email } }),
              )
            }
          />
          {user.mfa_enabled && (
            <Confirmed
              action={t.removeFactor}
              question={t.removeFactorQuestion(user.email)}
              busy={busy === 'factor'}
              onConfirm={() =>
                act('factor', t.factorRemoved, (proof) =>
                  call('DELETE', `/users/${id}/mfa/totp`, { body: proof }),
                )
              }
            />
          )}
          <Confirmed
            action={t.deleteUser}
            question={t.deleteQuestion(user.email)}
            busy={busy === 'delete'}
            onConfirm={async () => {
              await act('delete', t.deleted, async (proof) => {
                await call('DELETE', `/users/${id}`, { body: proof });
                // An admin who deleted their own user has no session left.
                if (id === currentUser()?.id) {
                  forget();
                  navigate(`${consolePaths.signIn}?notice=deleted`);
                } else navigate(`${consolePaths.users}?deleted=1`);
              });
            }}
          />
        </div>
      </section>

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">{strings.sessions.title}</h2>
        {sessions.length === 0 ? (
          <p>{t.noSessions}</p>
        ) : (
          <ul class="sessions">
            {sessions.map((session) => (
              <li key={session.id}>
                <p id={`session-${session.id}`}>
                  <strong>{session.user_agent || strings.sessions.unknownDevice}</strong>
                  <br />
                  {strings.sessions.started} {formatTime(session.created_at)} · {strings.sessions.lastUsed}{' '}
                  {formatTime(session.last_used_at)}
                </p>
                <button
                  type="button"
                  class={`button secondary${busy === session.id ? ' busy' : ''}`}
                  aria-describedby={`session-${session.id}`}
                  onClick={() =>
                    act(session.id, t.sessionRevoked, () =>
                      call('DELETE', `/users/${id}/sessions/${session.id}`),
                    )
                  }
                >
                  {strings.buttons.revoke}
                </button>
              </li>
            ))}
          </ul>
        )}
        {sessions.length > 0 && (
          <Confirmed
            action={strings.buttons.signOutEverywhere}
            question={t.everywhereQuestion(user.email)}
            busy={busy === 'everywhere'}
            onConfirm={() => act('everywhere', t.signedOut, () => call('DELETE', `/users/${id}/sessions`))}
          />
        )}
      </section>

      <section aria-labelledby="events-title">
        <h2 id="events-title">{t.eventsTitle}</h2>
        <EventList events={events} />
        {olderEvents && (
          <div class="actions">
            <Button
              type="button"
              kind="secondary"
              busy={busy === 'older'}
              onClick={() => {
                setBusy('older');
                readOlderEvents(olderEvents)
                  .catch((error: unknown) => setMessage(describeFailure(error, []).message))
                  .finally(() => setBusy(undefined));
              }}
            >
              {t.olderEvents}
            </Button>
          </div>
        )}
      </section>
    </Page>
  );
};

const UserFields = ({ user, saved }: { user: User; saved: (user: User) => void }) => {
  const form = useForm({ name: user.name, email: user.email, role: user.role });
  return (
    <SavingSection
      id="fields-title"
      title={t.fieldsTitle}
      form={form}
      save={async () => {
        const { name, email, role } = form.values;
        const changed = Object.fromEntries(
          Object.entries({ name, email, role }).filter(([key, value]) => value !== user[key as keyof User]),
        );
        if (Object.keys(changed).length > 0)
          saved(await call<User>('PATCH', `/users/${user.id}`, { body: changed }));
      }}
    >
      <Field form={form} name="name" label={strings.fields.name} autoComplete="off" />
      <EmailField form={form} name="email" autoComplete="off" />
      <RoleField form={form} />
    </SavingSection>
  );
};

export const RoleField = ({ form }: { form: FormState<'role'> }) => (
  <div class="field">
    <label for="role-field">{strings.console.users.role}</label>
    <select id="role-field" name="role" value={form.values.role} onChange={form.set('role')}>
      <option value="user">user</option>
      <option value="admin">admin</option>
    </select>
    {form.fieldErrors.role && <p class="field-error">{form.fieldErrors.role}</p>}
  </div>
);
