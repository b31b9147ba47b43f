// Users: the sorted list, searched by the start of the email and filtered by status, a page at a
// time. The filters and the page live in the URL, so a reload or a shared link shows the same list.
import { useEffect, useState } from 'preact/hooks';
import { call, type User } from '../api';
import { navigate } from '../router';
import { strings } from '../strings';
import { describeFailure, Field, Form, formatTime, Page, Submit, TableHead, useForm } from '../ui';
import { consolePaths } from './paths';

const t = strings.console.users;

interface UserPage {
  readonly items: readonly User[];
  readonly next_cursor: string | null;
}

const listUrl = (query: URLSearchParams) => {
  const params = new URLSearchParams();
  for (const key of ['email_prefix', 'status', 'cursor']) {
    const value = query.get(key);
    if (value) params.set(key, value);
  }
  return params;
};

export const Users = ({ query }: { query: URLSearchParams }) => {
  const params = listUrl(query);
  const key = params.toString();
  const [page, setPage] = useState<UserPage | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const form = useForm({ email_prefix: query.get('email_prefix') ?? '', status: query.get('status') ?? '' });

  useEffect(() => {
    setPage(undefined);
    setMessage(undefined);
    call<UserPage>(
      'GET',
      `/users?${new URLSearchParams({ limit: '25', ...Object.fromEntries(params) })}`,
    ).then(setPage, (error: unknown) => setMessage(describeFailure(error, []).message));
  }, [key]);

  const show = (next: Record<string, string>) => {
    const search = new URLSearchParams(Object.entries(next).filter(([, value]) => value !== ''));
    navigate(`${consolePaths.users}${search.size > 0 ? `?${search}` : ''}`);
  };

  return (
    <Page title={t.title}>
      <p>
        <a href={consolePaths.newUser}>{strings.console.newUser.title}</a>
      </p>
      <Form
        form={form}
        label="filters-title"
        onSubmit={async () =>
          show({ email_prefix: form.values.email_prefix.trim(), status: form.values.status })
        }
      >
        <h2 id="filters-title">{t.filters}</h2>
        <div class="filters">
          <Field form={form} name="email_prefix" label={t.emailPrefix} autoComplete="off" required={false} />
          <div class="field">
            <label for="status-filter">{t.status}</label>
            <select id="status-filter" name="status" value={form.values.status} onChange={form.set('status')}>
              <option value="">{t.anyStatus}</option>
              <option value="active">{t.active}</option>
              <option value="disabled">{t.disabled}</option>
            </select>
          </div>
        </div>
        <Submit form={form}>{t.search}</Submit>
      </Form>
      {message && (
        <p class="form-error" role="alert">
          {message}
        </p>
      )}
      {!page ? (
        !message && <p role="status">{strings.status.loading}</p>
      ) : page.items.length === 0 ? (
        <p role="status">{t.none}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <TableHead
              caption={t.caption}
              columns={[t.email, t.name, t.role, t.status, t.verified, t.twoStep, t.lastLogin, t.created]}
            />
            <tbody>
              {page.items.map((user) => (
                <tr key={user.id}>
                  <th scope="row">
                    <a href={consolePaths.user(user.id)}>{user.email}</a>
                  </th>
                  <td>{user.name}</td>
                  <td>{user.role}</td>
                  <td>{user.status}</td>
                  <td>{user.email_verified ? t.yes : t.no}</td>
                  <td>{user.mfa_enabled ? t.on : t.off}</td>
                  <td>{formatTime(user.last_login)}</td>
                  <td>{formatTime(user.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="paging" aria-label={t.paging}>
        {params.has('cursor') && (
          <a
            href={`${consolePaths.users}?${new URLSearchParams([...params].filter(([name]) => name !== 'cursor'))}`}
          >
            {t.firstPage}
          </a>
        )}
        {page?.next_cursor && (
          <a
            href={`${consolePaths.users}?${new URLSearchParams({ ...Object.fromEntries(params), cursor: page.next_cursor })}`}
          >
            {t.nextPage}
          </a>
        )}
      </nav>
    </Page>
  );
};
