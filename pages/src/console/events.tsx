// Events: the whole audit trail, newest first, filtered by type, user and actor (in the URL), each
// event linking to the user it concerns and to the one who acted.
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { navigate } from '../router';
import { strings } from '../strings';
import { describeFailure, Field, Form, formatTime, Page, Submit, TableHead, useForm } from '../ui';
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

const FILTERS = ['type', 'user_id', 'actor_id'] as const;

const UserLink = ({ id }: { id: string | null }) =>
  id ? <a href={consolePaths.user(id)}>{id}</a> : <span>{t.nobody}</span>;

export const EventList = ({ events }: { events: readonly TrailEvent[] }) =>
  events.length === 0 ? (
    <p>{t.none}</p>
  ) : (
    <div class="table-scroll">
      <table>
        <TableHead caption={t.caption} columns={[t.at, t.type, t.outcome, t.user, t.actor]} />
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>{formatTime(event.at)}</td>
              <th scope="row">{event.type}</th>
              <td>{event.outcome}</td>
              <td>
                <UserLink id={event.user_id} />
              </td>
              <td>
                <UserLink id={event.actor_id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

export const Events = ({ query }: { query: URLSearchParams }) => {
  const params = new URLSearchParams(
    [...FILTERS, 'cursor'].flatMap((name) => {
      const value = query.get(name);
      return value ? [[name, value]] : [];
    }),
  );
  const key = params.toString();
  const [page, setPage] = useState<{ items: TrailEvent[]; next_cursor: string | null } | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const form = useForm({
    type: query.get('type') ?? '',
    user_id: query.get('user_id') ?? '',
    actor_id: query.get('actor_id') ?? '',
  });

  useEffect(() => {
    setPage(undefined);
    setMessage(undefined);
    call<{ items: TrailEvent[]; next_cursor: string | null }>(
      'GET',
      `/events?${new URLSearchParams({ limit: '50', ...Object.fromEntries(params) })}`,
    ).then(setPage, (error: unknown) => setMessage(describeFailure(error, []).message));
  }, [key]);

  return (
    <Page title={t.title}>
      <Form
        form={form}
        label="event-filters-title"
        onSubmit={async () => {
          const search = new URLSearchParams(
            FILTERS.flatMap((name) => (form.values[name].trim() ? [[name, form.values[name].trim()]] : [])),
          );
          navigate(`${consolePaths.events}${search.size > 0 ? `?${search}` : ''}`);
        }}
      >
        <h2 id="event-filters-title">{strings.console.users.filters}</h2>
        <div class="filters">
          <Field form={form} name="type" label={t.type} autoComplete="off" required={false} />
          <Field form={form} name="user_id" label={t.user} autoComplete="off" required={false} />
          <Field form={form} name="actor_id" label={t.actor} autoComplete="off" required={false} />
        </div>
        <Submit form={form}>{strings.console.users.search}</Submit>
      </Form>
      {message && (
        <p class="form-error" role="alert">
          {message}
        </p>
      )}
      {page ? <EventList events={page.items} /> : !message && <p role="status">{strings.status.loading}</p>}
      {page?.next_cursor && (
        <nav class="paging" aria-label={strings.console.users.paging}>
          <a
            href={`${consolePaths.events}?${new URLSearchParams({ ...Object.fromEntries(params), cursor: page.next_cursor })}`}
          >
            {strings.console.users.nextPage}
          </a>
        </nav>
      )}
    </Page>
  );
};
