// The smoke test a deployment must pass: a fresh user signs up, logs in, reads itself and deletes
// itself, each answer checked against the contract (README). Any mismatch ends it with a non-zero exit and a line
// that names the step, what was expected and what came back. The user it made is always deleted.
// The deploy workflow runs it against the new stack; the e2e suite runs it against the local stack.
//   npx tsx scripts/smoke-test.ts https://abc123.execute-api.eu-west-1.amazonaws.com/
import { randomBytes, randomUUID } from 'node:crypto';

export class SmokeTestFailure extends Error {}

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

export interface SmokeTestOptions {
  /** Progress lines; never given a password or a token. */
  readonly log?: (line: string) => void;
  /** Per request. A cold Lambda hashing with bcrypt answers well within it. */
  readonly timeoutMs?: number;
  /** Connection attempts before the first answer: a new API's DNS name can take a moment. */
  readonly connectAttempts?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const BODY_EXCERPT = 300;

const show = (reply: Reply): string =>
  `${reply.status} ${reply.text.length > BODY_EXCERPT ? `${reply.text.slice(0, BODY_EXCERPT)}…` : reply.text}`;

const objectOf = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

export const runSmokeTest = async (apiUrl: string, options: SmokeTestOptions = {}): Promise<void> => {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 20_000;
  let base: URL;
  try {
    base = new URL(apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  } catch {
    throw new SmokeTestFailure(`"${apiUrl}" is not a URL.`);
  }

  const request = async (method: string, path: string, init: { body?: unknown; token?: string } = {}) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    const response = await fetch(new URL(path.replace(/^\//, ''), base), {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json } satisfies Reply;
  };

  const step = async (name: string, run: () => Promise<string>): Promise<void> => {
    try {
      log(`✓ ${name}: ${await run()}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SmokeTestFailure(`✗ ${name}: ${reason}`);
    }
  };

  const check = (condition: boolean, what: string, reply: Reply): void => {
    if (!condition) throw new Error(`expected ${what}, got ${show(reply)}`);
  };

  const email = `smoke-${Date.now()}-${randomUUID().slice(0, 8)}@example.com`;
  const password = `smoke-${randomBytes(18).toString('base64url')}`;
  const name = 'Smoke Test';
  let userId: string | undefined;
  let token: string | undefined;
  let deleted = false;

  try {
    // No Lambda runs for this: the gateway itself refuses a bearer route without a token. It
    // proves the URL is the API, and waits out DNS for a stack made a moment ago.
    await step('the API answers (GET /users without a token is 401)', async () => {
      const attempts = options.connectAttempts ?? 5;
      for (let attempt = 1; ; attempt++) {
        try {
          const reply = await request('GET', '/users');
          check(reply.status === 401, '401 from the gateway', reply);
          return '401';
        } catch (error) {
          const network = error instanceof TypeError || (error as Error).name === 'TimeoutError';
          if (!network || attempt >= attempts) throw error;
          await new Promise((resolve) => setTimeout(resolve, 2_000 * attempt));
        }
      }
    });

    await step('sign up (POST /users)', async () => {
      const reply = await request('POST', '/users', { body: { email, name, password } });
      check(reply.status === 201, '201', reply);
      const user = objectOf(reply.json);
      if (typeof user.id === 'string') userId = user.id;
      check(typeof user.id === 'string' && UUID.test(user.id), 'a user with a UUID id', reply);
      check(reply.headers.get('location') === `/users/${user.id}`, `Location: /users/${user.id}`, reply);
      check(
        user.email === email && user.name === name && user.role === 'user',
        'the user as sent, role user',
        reply,
      );
      check(user.last_login === null, 'last_login null', reply);
      check(
        typeof user.created_at === 'string' && ISO_TIME.test(user.created_at),
        'created_at as ISO 8601',
        reply,
      );
      check(!('password' in user) && !('password_hash' in user), 'no password field', reply);
      return `201, Location /users/${userId}`;
    });

    await step('log in (POST /login)', async () => {
      const reply = await request('POST', '/login', { body: { email, password } });
      check(reply.status === 200, '200', reply);
      const body = objectOf(reply.json);
      const user = objectOf(body.user);
      check(typeof body.token === 'string' && body.token.split('.').length === 3, 'a JWT token', reply);
      token = body.token as string;
      check(body.token_type === 'Bearer', 'token_type Bearer', reply);
      check(typeof body.expires_in === 'number' && body.expires_in > 0, 'a positive expires_in', reply);
      check(user.id === userId, `user.id ${userId}`, reply);
      check(typeof user.last_login === 'string', 'user.last_login set', reply);
      check(reply.headers.get('cache-control') === 'no-store', 'Cache-Control: no-store', reply);
      return `200, token expires in ${body.expires_in} s`;
    });

    await step('read self (GET /users/{id})', async () => {
      const reply = await request('GET', `/users/${userId}`, { token });
      check(reply.status === 200, '200', reply);
      const user = objectOf(reply.json);
      check(user.id === userId && user.email === email, 'the same user', reply);
      check(Boolean(reply.headers.get('etag')), 'an ETag header', reply);
      return `200, ETag ${reply.headers.get('etag')}`;
    });

    await step('delete self (DELETE /users/{id})', async () => {
      const reply = await request('DELETE', `/users/${userId}`, { token });
      check(reply.status === 204, '204', reply);
      check(reply.text === '', 'no body', reply);
      deleted = true;
      return '204';
    });

    await step('the deleted user’s token no longer works (GET /users/{id})', async () => {
      const reply = await request('GET', `/users/${userId}`, { token });
      check(reply.status === 401, '401', reply);
      return '401';
    });
  } finally {
    if (userId && !deleted) await cleanUp(request, { email, password, userId, token }, log);
  }
};

/** Deletes the user a failed run left behind; reports, and never masks the failure that led here. */
const cleanUp = async (
  request: (method: string, path: string, init?: { body?: unknown; token?: string }) => Promise<Reply>,
  user: { email: string; password: string; userId: string; token: string | undefined },
  log: (line: string) => void,
): Promise<void> => {
  try {
    let token = user.token;
    if (!token) {
      const login = await request('POST', '/login', { body: { email: user.email, password: user.password } });
      token = objectOf(login.json).token as string | undefined;
    }
    const reply = token ? await request('DELETE', `/users/${user.userId}`, { token }) : undefined;
    log(
      reply?.status === 204
        ? `cleaned up: deleted ${user.email}`
        : `cleanup failed: ${user.email} (${user.userId}) may still exist`,
    );
  } catch (error) {
    log(`cleanup failed: ${user.email} may still exist (${error instanceof Error ? error.message : error})`);
  }
};

const main = async (): Promise<void> => {
  const apiUrl = process.argv[2] ?? process.env.API_URL;
  if (!apiUrl) {
    console.error('usage: smoke-test API_URL   (or set API_URL)');
    process.exit(2);
  }
  console.log(`Smoke test against ${apiUrl}`);
  await runSmokeTest(apiUrl, { log: (line) => console.log(line) });
  console.log('Smoke test passed.');
};

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof SmokeTestFailure ? error.message : `✗ ${error}`);
    console.error('Smoke test failed.');
    process.exit(1);
  });
}
