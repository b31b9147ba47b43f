// Events: the whole audit trail, newest first, filtered by type, user and actor (in the URL), each
// event linking to the user it concerns and to the one who acted, named by their email. A user or
// actor filter takes an email or an id: an email is looked up through the sorted listing, so the
// link in the URL stays the one the admin typed.
import { useEffect, useState } from 'preact/hooks';
import { call, type User } from '../api';
import { navigate } from '../router';
import { strings } from '../strings';
import {
  describeFailure,
  Field,
  FieldError,
  Form,
  formatTime,
  Page,
  Submit,
  TableHead,
  useForm,
} from '../ui';
import { consolePaths } from './paths';

const t = strings.console.events;

export interface TrailEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly user_id: string | null;
  readonly actor_id: string | null;
  readonly outcome: string;
}

interface EventPage {
  readonly items: TrailEvent[];
  readonly next_cursor: string | null;
}

/** The URL's filters, as typed; `user` and `actor` are an email or an id. */
const FILTERS = ['type', 'user', 'actor'] as const;
type Filter = (typeof FILTERS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id stays an id; an email is the id of the user with exactly that email. */
const userIdOf = async (filter: Filter, value: string): Promise<string> => {
  if (!value.includes('@')) {
    if (!UUID.test(value)) throw new FieldError(filter, t.notEmailOrId);
    return value;
  }
  const email = value.toLowerCase();
  const listed = await call<{ items: User[] }>(
    'GET',
    `/users?${new URLSearchParams({ email_prefix: email, limit: '5' })}`,
  );
  const user = listed.items.find((candidate) => candidate.email === email);
  if (!user) throw new FieldError(filter, t.unknownUser);
  return user.id;
};

/** The emails of the users the shown events name, each read once; a deleted user stays an id. */
const useEmails = (events: readonly TrailEvent[] | undefined): ReadonlyMap<string, string | null> => {
  const [emails, setEmails] = useState<ReadonlyMap<string, string | null>>(new Map());
  useEffect(() => {
    const unknown = new Set(
      (events ?? []).flatMap((event) => [event.user_id, event.actor_id]).filter((id): id is string => !!id),
    );
    for (const id of emails.keys()) unknown.delete(id);
    if (unknown.size === 0) return;
    Promise.all(
      [...unknown].map(async (id) => {
        const email = await call<User>('GET', `/users/${encodeURIComponent(id)}`).then(
          (user) => user.email,
          () => null,
        );
        return [id, email] as const;
      }),
    ).then((read) => setEmails((known) => new Map([...known, ...read])));
  }, [events]);
  return emails;
};

const UserLink = ({ id, emails }: { id: string | null; emails: ReadonlyMap<string, string | null> }) =>
  id ? <a href={consolePaths.user(id)}>{emails.get(id) ?? id}</a> : <span>{t.nobody}</span>;

export const EventList = ({ events }: { events: readonly TrailEvent[] }) => {
  const emails = useEmails(events);
  return events.length === 0 ? (
    <p>{t.none}</p>
  ) : (
    <div class="table-scroll">
      <table class="events">
        <TableHead caption={t.caption} columns={[t.at, t.type, t.outcome, t.user, t.actor]} />
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>{formatTime(event.at)}</td>
              <th scope="row">{event.type}</th>
              <td>{event.outcome}</td>
              <td>
                <UserLink id={event.user_id} emails={emails} />
              </td>
              <td>
                <UserLink id={event.actor_id} emails={emails} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

const readEvents = async (
  filters: Readonly<Record<Filter, string>>,
  cursor: string | null,
): Promise<EventPage> => {
  const query = new URLSearchParams({ limit: '50' });
  if (filters.type) query.set('type', filters.type);
  if (filters.user) query.set('user_id', await userIdOf('user', filters.user));
  if (filters.actor) query.set('actor_id', await userIdOf('actor', filters.actor));
  if (cursor) query.set('cursor', cursor);
  return call<EventPage>('GET', `/events?${query}`);
};

export const Events = ({ query }: { query: URLSearchParams }) => {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name)?.trim() ?? ''])) as Record<
    Filter,
    string
  >;
  const cursor = query.get('cursor');
  const key = query.toString();
  const [page, setPage] = useState<EventPage | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const form = useForm(filters);

  useEffect(() => {
    setPage(undefined);
    setMessage(undefined);
    readEvents(filters, cursor).then(setPage, (error: unknown) => {
      if (error instanceof FieldError) form.fail(error);
      else setMessage(describeFailure(error, []).message);
    });
  }, [key]);

  const search = (values: Readonly<Record<string, string>>) =>
    new URLSearchParams(Object.entries(values).filter(([, value]) => value.trim() !== ''));

  return (
    <Page title={t.title}>
      <Form
        form={form}
        label="event-filters-title"
        onSubmit={async () => {
          const chosen = search(Object.fromEntries(FILTERS.map((name) => [name, form.values[name].trim()])));
          navigate(`${consolePaths.events}${chosen.size > 0 ? `?${chosen}` : ''}`);
        }}
      >
        <h2 id="event-filters-title">{strings.console.users.filters}</h2>
        <div class="filters">
          <Field form={form} name="type" label={t.type} autoComplete="off" required={false} />
          {(['user', 'actor'] as const).map((name) => (
            <Field
              key={name}
              form={form}
              name={name}
              label={t[name]}
              hint={t.emailOrId}
              autoComplete="off"
              required={false}
            />
          ))}
        </div>
        <Submit form={form}>{strings.console.users.search}</Submit>
      </Form>
      {message && (
        <p class="form-error" role="alert">
          {message}
        </p>
      )}
      {page ? (
        <EventList events={page.items} />
      ) : (
        !message &&
        !form.fieldErrors.user &&
        !form.fieldErrors.actor && <p role="status">{strings.status.loading}</p>
      )}
      {page?.next_cursor && (
        <nav class="paging" aria-label={strings.console.users.paging}>
          <a href={`${consolePaths.events}?${search({ ...filters, cursor: page.next_cursor })}`}>
            {strings.console.users.nextPage}
          </a>
        </nav>
      )}
    </Page>
  );
};
