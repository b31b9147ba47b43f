// OWASP API2:2023 Broken Authentication, black-box over HTTP: every forged, altered, expired or
// revoked token is refused — by the gateway (403 Forbidden) on bearer routes, by the router
// (401 problem) on public ones — and login gives an attacker nothing to tell accounts apart.
import { expectGateway, expectProblem } from '../support/expect';
import {
  claimsFor,
  confusedTokens,
  editedToken,
  foreignKeyToken,
  hmacToken,
  unsignedToken,
} from '../support/forged-tokens';
import { type Account, ADMIN, testStackForThisFile, uniqueEmail } from '../support/stack';

const api = testStackForThisFile({ over: 'http', admin: ADMIN });
let user: Account;

beforeAll(async () => {
  user = await api.signUp('authn');
});

const now = () => Math.floor(Date.now() / 1000);

/** Each forgery names the user (or the admin) it tries to be, with claims that are right but for one flaw. */
const forgeries: [string, () => string | Promise<string>][] = [
  ['alg none', () => unsignedToken(claimsFor(api.admin.id))],
  [
    'alg none with a signature kept',
    () => `${unsignedToken(claimsFor(api.admin.id))}${user.token.split('.')[2]}`,
  ],
  [
    'HS256, the algorithm this API signed with before ES256',
    () => hmacToken(claimsFor(api.admin.id), 'security-suite-signing-secret-0123456789-abcdefghijklmnop'),
  ],
  ...[0, 1, 2].map((form): [string, () => Promise<string>] => [
    `HS256 keyed with the published public key (algorithm confusion, form ${form + 1} of 3)`,
    async () => ((await confusedTokens(claimsFor(api.admin.id), await api.keySet()))[form] ?? [])[1] ?? '',
  ]),
  [
    'a kid that is not published',
    () => api.signToken(claimsFor(api.admin.id), { header: { kid: 'no-such-key' } }),
  ],
  ['no kid', () => api.signToken(claimsFor(api.admin.id), { header: { kid: undefined } })],
  [
    "a valid ES256 signature by a key not in the set, under a published key's kid",
    async () => foreignKeyToken(claimsFor(api.admin.id), { kid: (await api.keySet()).keys[0]?.kid ?? '' }),
  ],
  [
    "the attacker's own key embedded in a jwk header",
    () => foreignKeyToken(claimsFor(api.admin.id), { kid: 'attacker', header: (jwk) => ({ jwk }) }),
  ],
  [
    "a jku header pointing at the attacker's key set",
    () =>
      foreignKeyToken(claimsFor(api.admin.id), {
        kid: 'attacker',
        header: () => ({ jku: 'https://attacker.example/.well-known/jwks.json' }),
      }),
  ],
  [
    "an x5u header pointing at the attacker's certificate",
    () =>
      foreignKeyToken(claimsFor(api.admin.id), {
        kid: 'attacker',
        header: () => ({ x5u: 'https://attacker.example/cert.pem' }),
      }),
  ],
  [
    'a jku header on a token our own key signed (never followed: refused)',
    () => api.signToken(claimsFor(api.admin.id), { header: { jku: 'https://attacker.example/jwks.json' } }),
  ],
  ['no exp', () => api.signToken(claimsFor(user.id, { role: 'user', exp: undefined }))],
  ['an expired exp', () => api.signToken(claimsFor(user.id, { role: 'user', exp: now() - 1 }))],
  ['no sub', () => api.signToken(claimsFor(api.admin.id, { sub: undefined }))],
  ['no iat', () => api.signToken(claimsFor(user.id, { role: 'user', iat: undefined }))],
  ['another issuer', () => api.signToken(claimsFor(api.admin.id, { iss: 'someone-else' }))],
  ['another audience', () => api.signToken(claimsFor(api.admin.id, { aud: 'another-api' }))],
  // An array audience must name ours (RFC 7519): a verifier accepting any array would pass these.
  [
    'an audience array of someone else',
    () => api.signToken(claimsFor(api.admin.id, { aud: ['someone-else'] })),
  ],
  ['an empty audience array', () => api.signToken(claimsFor(api.admin.id, { aud: [] }))],
  ['a role that does not exist', () => api.signToken(claimsFor(user.id, { role: 'root' }))],
  ['a negative token version', () => api.signToken(claimsFor(user.id, { role: 'user', tv: -1 }))],
  ['its role edited to admin', () => editedToken(user.token, { role: 'admin' })],
  ['its sub edited to the admin', () => editedToken(user.token, { sub: api.admin.id })],
  ['its exp pushed a year on', () => editedToken(user.token, { exp: now() + 365 * 24 * 3600 })],
  ['its signature cut off', () => user.token.split('.').slice(0, 2).join('.')],
  ['its signature emptied', () => `${user.token.split('.').slice(0, 2).join('.')}.`],
  [
    // The first character: the last one of a base64url signature carries padding bits that decode alike.
    'a byte of its signature flipped',
    () => {
      const [header, payload, signature = ''] = user.token.split('.');
      return `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    },
  ],
  ['garbage', () => 'not.a.jwt'],
];

describe.each(forgeries)('a token with %s', (_, forge) => {
  it('is refused by the gateway on a bearer route with 403 Forbidden', async () => {
    const token = await forge();

    const list = await api.call('GET', '/users', { token });
    const own = await api.call('GET', `/users/${user.id}`, { token });

    expectGateway(list, 403);
    expectGateway(own, 403);
  });

  it('is refused on the public sign-up route with a 401 problem, never taken as anonymous', async () => {
    const answer = await api.call('POST', '/users', {
      token: await forge(),
      json: { email: uniqueEmail('forged'), name: 'Forged', password: 'forged token password' },
    });

    expectProblem(answer, 401);
  });
});

describe('the Authorization header', () => {
  it('missing on a bearer route is the gateway’s 401 Unauthorized', async () => {
    expectGateway(await api.call('GET', `/users/${user.id}`), 401);
  });

  it.each([
    ['Basic credentials', 'Basic YWRtaW46YWRtaW4='],
    ['a bare token without the Bearer scheme', () => user.token],
    ['an empty bearer', 'Bearer '],
    ['two tokens', () => `Bearer ${user.token} ${user.token}`],
    ['a token in a cookie instead', 'Cookie-Token'],
  ])('with %s is refused on a bearer route', async (_, value) => {
    const header = typeof value === 'function' ? value() : value;

    const answer = await api.call('GET', `/users/${user.id}`, {
      headers: header === 'Cookie-Token' ? { cookie: `token=${user.token}` } : { authorization: header },
    });

    expect([401, 403]).toContain(answer.status);
    expect(answer.body?.id).toBeUndefined();
  });

  it('with Basic credentials is a 401 problem on the public login route', async () => {
    const answer = await api.call('POST', '/login', {
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
      json: { email: user.email, password: user.password },
    });

    expectProblem(answer, 401);
  });
});

describe('revocation', () => {
  it("refuses a deleted user's token with a 401 problem from the router", async () => {
    const doomed = await api.signUp('doomed');
    expect((await api.call('DELETE', `/users/${doomed.id}`, { token: doomed.token })).status).toBe(204);

    expectProblem(await api.call('GET', `/users/${doomed.id}`, { token: doomed.token }), 401);
  });

  it('refuses a token issued before a password change with a 401 problem, on bearer and public routes', async () => {
    const account = await api.signUp('rotating');
    const changed = await api.changeUser(account, account.id, {
      password: 'a brand new password',
      current_password: account.password,
    });
    expect(changed.status).toBe(200);

    expectProblem(await api.call('GET', `/users/${account.id}`, { token: account.token }), 401);
    expectProblem(
      await api.call('POST', '/users', {
        token: account.token,
        json: { email: uniqueEmail(), name: 'X', password: 'yet another password' },
      }),
      401,
    );
  });

  it('refuses a well-signed token for a user who never existed with a 401 problem', async () => {
    const token = await api.signToken(claimsFor('00000000-0000-4000-8000-000000000000', { role: 'user' }));

    expectProblem(await api.call('GET', '/users/00000000-0000-4000-8000-000000000000', { token }), 401);
  });
});

describe('login', () => {
  it('answers an unknown email and a wrong password with one body, after comparable work', async () => {
    const known = await api.signUp('timing');
    const wrong: number[] = [];
    const unknown: number[] = [];
    let wrongBody: unknown;
    let unknownBody: unknown;
    // Four of each: under the five free failures, so the back-off never answers instead.
    for (let round = 0; round < 4; round++) {
      const a = await api.call('POST', '/login', {
        json: { email: known.email, password: 'not the password' },
      });
      const b = await api.call('POST', '/login', {
        json: { email: uniqueEmail(), password: 'not the password' },
      });
      wrong.push(a.ms);
      unknown.push(b.ms);
      wrongBody = a.body;
      unknownBody = b.body;
      expectProblem(a, 401);
      expectProblem(b, 401);
    }

    expect(unknownBody).toEqual(wrongBody);
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1] ?? 0;
    // An unknown email still costs a bcrypt compare: it is not answered in a fraction of the time.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
  });

  it('never issues a token for a password that merely starts with the right 72 bytes', async () => {
    const email = uniqueEmail('prefix');
    const password = 'pq'.repeat(36);
    expect((await api.call('POST', '/users', { json: { email, name: 'P', password } })).status).toBe(201);

    const longer = await api.call('POST', '/login', { json: { email, password: `${password}-and-more` } });

    expectProblem(longer, 401);
  });
});
