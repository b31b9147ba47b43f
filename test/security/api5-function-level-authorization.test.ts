// OWASP API5:2023 Broken Function Level Authorization, black-box over HTTP: admin functions stay
// admin-only whatever a caller adds (spoofed role or authorizer-context headers, method
// overrides), and no route is public that the security review has not seen.
import { routes } from '../../lambda/routes';
import { type Account, expectGateway, expectProblem, securityStackForThisFile, uniqueEmail } from './support';

const api = securityStackForThisFile();
let user: Account;

/**
 * The routes anyone may call without a token. A new one must be reviewed, then added here.
 * POST /refresh authenticates by the refresh token in its body, which the authorizer cannot read.
 * The JWKS is public by design: public keys only, which any verifier needs.
 */
// POST /login/mfa authenticates by the single-use mfa_token (earned with the password) in its body.
// The JWKS is public by design: public keys only, which any verifier needs.
const REVIEWED_PUBLIC_ROUTES = [
  'GET /openapi.json',
  'GET /.well-known/jwks.json',
  'POST /login',
  'POST /login/mfa',
  'POST /refresh',
  'POST /users',
  // Mail flows: the requests answer 202 whoever asks (nothing to enumerate); the confirmations
  // authenticate by the mailed token, single use, stored only as a keyed hash.
  'POST /email-verification',
  'POST /email-verification/confirm',
  'POST /password-reset',
  'POST /password-reset/confirm',
];

/** Headers a caller might hope the router trusts for identity or role: it must trust none. */
const SPOOFED = {
  'x-role': 'admin',
  'x-user-role': 'admin',
  'x-user-id': 'admin',
  'x-admin': 'true',
  'x-amzn-authorizer-role': 'admin',
  'x-amzn-request-context': JSON.stringify({ authorizer: { lambda: { role: 'admin' } } }),
  'x-apigateway-context': JSON.stringify({ authorizer: { lambda: { role: 'admin' } } }),
  'x-forwarded-user': 'admin',
  'x-original-url': '/users',
  'x-http-method-override': 'DELETE',
};

beforeAll(async () => {
  user = await api.signUp('function');
});

describe('GET /users, the admin listing', () => {
  it('is 403 to a user, even with every spoofed role and authorizer-context header', async () => {
    expectProblem(await api.call('GET', '/users', { token: user.token, headers: SPOOFED }), 403);
  });

  it('is 403 to a user asking with ?role=admin or ?admin=true', async () => {
    expectProblem(await api.call('GET', '/users?role=admin&admin=true', { token: user.token }), 403);
  });

  it('is the gateway’s 401 with spoofed headers and no token', async () => {
    expectGateway(await api.call('GET', '/users', { headers: SPOOFED }), 401);
  });
});

describe('granting roles', () => {
  it('refuses an anonymous sign-up with role admin and spoofed headers with 403', async () => {
    const answer = await api.call('POST', '/users', {
      headers: SPOOFED,
      json: { email: uniqueEmail(), name: 'Escalate', password: 'escalation attempt', role: 'admin' },
    });

    expectProblem(answer, 403);
  });

  it('refuses a user who creates an admin with their own token with 403', async () => {
    const answer = await api.call('POST', '/users', {
      token: user.token,
      headers: SPOOFED,
      json: { email: uniqueEmail(), name: 'Escalate', password: 'escalation attempt', role: 'admin' },
    });

    expectProblem(answer, 403);
  });

  it('takes admin rights away at once from a demoted admin still holding an admin token', async () => {
    const made = await api.call('POST', '/users', {
      token: api.admin.token,
      json: { email: uniqueEmail('deputy'), name: 'Deputy', password: 'deputy admin pw', role: 'admin' },
    });
    const deputyToken = await api.logIn(made.body.email, 'deputy admin pw');
    expect((await api.call('GET', '/users', { token: deputyToken })).status).toBe(200);

    await api.call('PATCH', `/users/${made.body.id}`, { token: api.admin.token, json: { role: 'user' } });

    expectProblem(await api.call('GET', '/users', { token: deputyToken }), 403);
    expectProblem(await api.call('GET', `/users/${api.admin.id}`, { token: deputyToken }), 403);
  });
});

describe('methods and paths', () => {
  it('ignores X-HTTP-Method-Override: a GET stays a read', async () => {
    const answer = await api.call('GET', `/users/${user.id}`, {
      token: user.token,
      headers: { 'x-http-method-override': 'DELETE', 'x-method-override': 'DELETE' },
    });

    expect(answer.status).toBe(200);
    expect((await api.call('GET', `/users/${user.id}`, { token: user.token })).status).toBe(200);
  });

  it.each([
    ['HEAD', '/users'],
    ['OPTIONS', '/users'],
    ['PROPFIND', '/users'],
    ['PATCH', '/users'],
    ['DELETE', '/users'],
    ['PUT', '/login'],
    ['GET', '/admin'],
    ['GET', '/users/me/role'],
    ['POST', '/users/admin'],
    ['GET', '/internal/config'],
  ])('answers %s %s, which no route serves, with 404', async (method, path) => {
    const answer = await api.call(method, path, { token: api.admin.token });

    expect(answer.status).toBe(404);
  });

  it('serves no public route beyond the reviewed ones', () => {
    const open = routes
      .filter((route) => route.access === 'public')
      .map((route) => `${route.method} ${route.path}`);

    expect(REVIEWED_PUBLIC_ROUTES).toEqual(expect.arrayContaining(open));
  });

  it.each(routes.filter((route) => route.access === 'bearer').map((route) => [route.method, route.path]))(
    'holds the bearer route %s %s to a token: the gateway’s 401 without one',
    async (method, path) => {
      const answer = await api.call(method, path.replace('{id}', user.id), { headers: SPOOFED });

      expectGateway(answer, 401);
    },
  );
});
