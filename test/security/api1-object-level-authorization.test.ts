// OWASP API1:2023 Broken Object Level Authorization, black-box over HTTP: a user may act on their
// own id only, whatever verb, encoding or header they try; nothing about others leaks.
import { randomUUID } from 'node:crypto';
import { expectProblem } from '../support/expect';
import { type Account, ADMIN, testStackForThisFile } from '../support/stack';

const api = testStackForThisFile({ over: 'http', admin: ADMIN });
let attacker: Account;
let victim: Account;

const VERBS = ['GET', 'PUT', 'PATCH', 'DELETE'] as const;
const takeover = (victimEmail: string) => ({
  email: victimEmail,
  name: 'Hijacked',
  password: 'hijacked password 1',
  current_password: 'a guess at theirs',
});

beforeAll(async () => {
  [attacker, victim] = await Promise.all([api.signUp('attacker'), api.signUp('victim')]);
});

/** The victim as an admin sees it, to show an attempt changed nothing. */
const victimNow = async () => (await api.call('GET', `/users/${victim.id}`, { token: api.admin.token })).body;

describe.each(VERBS)('%s on another user', (method) => {
  const body = method === 'PUT' || method === 'PATCH' ? { json: takeover('stolen@example.com') } : {};

  it.each([
    ['their id', () => victim.id],
    ["the admin's id", () => api.admin.id],
    ['an id nobody has (403, not 404: existence does not leak)', () => randomUUID()],
    ['their id upper-cased', () => victim.id.toUpperCase()],
    ['their id percent-encoded', () => victim.id.replace(/-/g, '%2D')],
    ['their id with a trailing %00', () => `${victim.id}%00`],
  ])('is 403 for %s, and the victim is unchanged', async (_, id) => {
    const before = await victimNow();

    const answer = await api.call(method, `/users/${id()}`, { token: attacker.token, ...body });

    expectProblem(answer, 403);
    expect(answer.text).not.toContain(victim.email);
    expect(await victimNow()).toEqual(before);
  });

  it("is 403 even with If-Match: * and the victim's id in the query and headers", async () => {
    const answer = await api.call(method, `/users/${victim.id}?id=${attacker.id}&user_id=${attacker.id}`, {
      token: attacker.token,
      headers: { 'if-match': '*', 'x-user-id': attacker.id, 'x-forwarded-user': attacker.id },
      ...body,
    });

    expectProblem(answer, 403);
  });
});

it('answers the path-traversal forms of another id with 403 or 404, never the victim', async () => {
  const paths = [
    `/users/${attacker.id}/../${victim.id}`,
    `/users/${attacker.id}%2F..%2F${victim.id}`,
    `/users/..%2F${victim.id}`,
    `/users/${victim.id}%3Fx=${attacker.id}`,
  ];

  const answers = await Promise.all(paths.map((path) => api.call('GET', path, { token: attacker.token })));

  for (const answer of answers) {
    expect([403, 404]).toContain(answer.status);
    expect(answer.text).not.toContain(victim.email);
  }
});

it("does not let a deleted user's token reach the account that later takes the same email", async () => {
  const first = await api.signUp('reused');
  expect((await api.call('DELETE', `/users/${first.id}`, { token: first.token })).status).toBe(204);
  const second = await api.call('POST', '/users', {
    json: { email: first.email, name: 'Second owner', password: 'second owner password' },
  });
  expect(second.status).toBe(201);

  const own = await api.call('GET', `/users/${first.id}`, { token: first.token });
  const theirs = await api.call('GET', `/users/${second.body.id}`, { token: first.token });

  expectProblem(own, 401);
  expectProblem(theirs, 401);
});

it('lets an admin act on another user, so the 403s above are about ownership', async () => {
  const answer = await api.call('GET', `/users/${victim.id}`, { token: api.admin.token });

  expect(answer.status).toBe(200);
  expect(answer.body.id).toBe(victim.id);
});
