// scripts/smoke-test.ts, exactly as deploy.yml runs it (`npx tsx scripts/smoke-test.ts URL`), against
// the local stack over real HTTP: known good here before it ever meets a deployed API.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { E2E_ADMIN, httpClient, startTestStack, type TestStack } from '../support/local-stack';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const smokeTest = (...args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      TSX,
      ['scripts/smoke-test.ts', ...args],
      { cwd: ROOT, env: { ...process.env, API_URL: '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

/** Forwards to the stack, but drops the ETag of `GET /users/{id}`: an API that breaks the contract mid-way. */
const startTamperingProxy = async (target: string): Promise<{ url: string; server: Server }> => {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
      ),
    );
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const forwarded = Object.fromEntries(upstream.headers);
    if (req.method === 'GET' && /^\/users\/[^/]+$/.test(req.url ?? '')) delete forwarded.etag;
    delete forwarded['content-length'];
    delete forwarded['content-encoding'];
    res.writeHead(upstream.status, forwarded).end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
};

/** Every user in the table whose email the smoke test made. */
const smokeUsers = async (stack: TestStack): Promise<string[]> => {
  const http = httpClient(stack.url);
  const { token } = (await http.call('POST', '/login', { json: E2E_ADMIN })).body as { token: string };
  const emails: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = (await http.call('GET', `/users?limit=100${query}`, { token })).body as {
      items: { email: string }[];
      next_cursor: string | null;
    };
    emails.push(...page.items.map((user) => user.email).filter((email) => email.startsWith('smoke-')));
    cursor = page.next_cursor;
  } while (cursor);
  return emails;
};

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

it('passes against the local stack, step by step, and leaves no user behind', async () => {
  const run = await smokeTest(stack.url);

  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout.trimEnd().split('\n')).toEqual([
    `Smoke test against ${stack.url}`,
    '✓ the API answers (GET /users without a token is 401): 401',
    expect.stringMatching(/^✓ sign up \(POST \/users\): 201, Location \/users\/[0-9a-f-]{36}$/),
    '✓ log in (POST /login): 200, token expires in 900 s',
    expect.stringMatching(/^✓ read self \(GET \/users\/\{id\}\): 200, ETag "\d+"$/),
    '✓ delete self (DELETE /users/{id}): 204',
    '✓ the deleted user’s token no longer works (GET /users/{id}): 401',
    'Smoke test passed.',
  ]);
  expect(await smokeUsers(stack)).toEqual([]);
});

it('accepts the base URL with a trailing slash, as the stack output gives it', async () => {
  expect((await smokeTest(`${stack.url}/`)).code).toBe(0);
});

it('fails on the first mismatch, naming the step, what it expected and what came back', async () => {
  const run = await smokeTest(`${stack.url}/not-the-api`);

  expect(run.code).toBe(1);
  expect(run.stderr).toContain(
    '✗ the API answers (GET /users without a token is 401): expected 401 from the gateway, got 404',
  );
  expect(run.stderr).toContain('Smoke test failed.');
});

it('fails when a step breaks the contract, and still deletes the user it made', async () => {
  const proxy = await startTamperingProxy(stack.url);
  try {
    const run = await smokeTest(proxy.url);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/✗ read self \(GET \/users\/\{id\}\): expected an ETag header, got 200 \{/);
    expect(run.stdout).toMatch(/cleaned up: deleted smoke-/);
    expect(await smokeUsers(stack)).toEqual([]);
  } finally {
    await new Promise((resolve) => proxy.server.close(resolve));
  }
});

it('needs the API URL', async () => {
  const run = await smokeTest();

  expect(run.code).toBe(2);
  expect(run.stderr).toContain('usage: smoke-test API_URL');
});
