// OWASP API10:2023 Unsafe Consumption of APIs: what this API consumes — items read back from
// DynamoDB and the signing keys from the Parameters and Secrets extension — is checked, never
// trusted. A corrupt or hostile upstream answer grants nothing and leaks nothing. (DynamoDB
// going away mid-run is faults.test.ts.)

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { readSecret } from '../../lambda/shared/secrets-extension';
import { itemFromSession } from '../../lambda/store/items/session-items';
import { parseJwks } from '../../lambda/tokens/jwks';
import { type KeySet, parseKeySet } from '../../lambda/tokens/key-set';
import { newKeySet } from '../../lambda/tokens/rotation';
import { expectProblem } from '../support/expect';
import { claimsFor } from '../support/forged-tokens';
import { leakIn } from '../support/leaks';
import { type Account, ADMIN, testStackForThisFile, uniqueEmail } from '../support/stack';
import { testDocumentClient } from '../support/tables';

const api = testStackForThisFile({ over: 'http', admin: ADMIN });
let user: Account;

beforeAll(async () => {
  user = await api.signUp('consumer');
});

const put = (item: Record<string, string>) =>
  api.dynamoDb.send(
    new PutItemCommand({
      TableName: api.tableName,
      Item: Object.fromEntries(
        Object.entries(item).map(([key, value]) => [key, /^\d+$/.test(value) ? { N: value } : { S: value }]),
      ),
    }),
  );

/** A well-formed user item, written straight to the table, as a compromised writer might. */
const plantUser = async (fields: Record<string, string> = {}) => {
  const id = randomUUID();
  const email = uniqueEmail('planted');
  const at = new Date().toISOString();
  // The hash of "planted password" at cost 10 would need bcrypt; a real user's hash serves.
  await put({
    id,
    email,
    name: 'Planted',
    role: 'user',
    password_hash: '$2b$10$abcdefghijklmnopqrstuu0123456789012345678901234567890',
    token_version: '0',
    created_at: at,
    updated_at: at,
    version: '1',
    ...fields,
  });
  await put({ id: `email#${email}`, owner_id: id });
  return { id, email };
};

describe('items read back from DynamoDB', () => {
  it('answers a login whose email guard points at no user with the usual 401', async () => {
    const email = uniqueEmail('orphan');
    await put({ id: `email#${email}`, owner_id: randomUUID() });

    const answer = await api.call('POST', '/login', { json: { email, password: 'orphan password' } });

    expectProblem(answer, 401);
  });

  it('never reads a guard pointing at a login-failure record as a user', async () => {
    const email = uniqueEmail('pointer');
    await api.call('POST', '/login', { json: { email, password: 'one failure' } });
    await put({ id: `email#${email}-alias`, owner_id: `login-failures#${email}` });

    const answer = await api.call('POST', '/login', {
      json: { email: `${email}-alias`, password: 'one failure' },
    });

    expectProblem(answer, 400);
  });

  it('treats a stored password hash that is not bcrypt as a failed login, never a match', async () => {
    const { email } = await plantUser({ password_hash: 'plain text password' });

    const answer = await api.call('POST', '/login', { json: { email, password: 'plain text password' } });

    expectProblem(answer, 401);
  });

  it('grants nothing for a stored role that is not one of ours', async () => {
    const planted = await plantUser({ role: 'superuser' });
    const now = Math.floor(Date.now() / 1000);
    // A live session, as a login would have opened it, so only the stored role is off.
    const sid = randomUUID();
    await testDocumentClient().send(
      new PutCommand({
        TableName: api.tableName,
        Item: itemFromSession({
          id: sid,
          userId: planted.id,
          createdAt: new Date().toISOString(),
          lastUsedAt: new Date().toISOString(),
          expiresAt: now + 3600,
          userAgent: null,
          tokenVersion: 0,
          amr: ['pwd'],
          refreshHash: 'not a hash of anything',
          generation: 0,
          rotatedAt: null,
        }),
      }),
    );
    // A token as the service would issue it for this user (the role claim says user).
    const token = await api.signToken(claimsFor(planted.id, { role: 'user', sid }));

    expectProblem(await api.call('GET', '/users', { token }), 403);
    expectProblem(await api.call('GET', `/users/${user.id}`, { token }), 403);
    expectProblem(await api.call('PATCH', `/users/${planted.id}`, { token, json: { role: 'admin' } }), 403);
  });

  it('shows a corrupt item (a user without a name) as a generic 500 that says nothing of it', async () => {
    const { id } = await plantUser({ name: '' });
    await put({ id, email: uniqueEmail('corrupt'), version: '1' });

    const answer = await api.call('GET', `/users/${id}`, { token: api.admin.token });

    expect(answer.status).toBe(500);
    expect(leakIn(answer.status, answer.text)).toBeUndefined();
    expect(answer.text).not.toMatch(/lacks|attribute|corrupt/);
  });
});

describe('the signing keys from the Parameters and Secrets extension', () => {
  let keySet: KeySet;
  let keySetText = '';
  /** A private value that must never show in an error: the key's `d`. */
  let privateValue = '';
  const requests: { path: string; token: string | undefined }[] = [];
  let extension: Server;

  /** A stand-in extension on loopback whose answer depends on the secret id asked for. */
  const answers: Record<string, (res: import('node:http').ServerResponse) => void> = {
    good: (res) => res.end(JSON.stringify({ SecretString: keySetText })),
    failing: (res) => {
      res.statusCode = 500;
      res.end(`internal error; by the way the secret is ${keySetText}`);
    },
    // The raw secret instead of the JSON envelope: a parser's error message quotes its start.
    garbage: (res) => res.end(keySetText),
    binary: (res) => res.end(JSON.stringify({ SecretBinary: 'AAAA' })),
    // The stack's placeholder, before the first key set was written.
    placeholder: (res) => res.end(JSON.stringify({ SecretString: 'Q7xk2Lr9TzPa1Bc3De5Fg7Hi9Jk1Lm3N' })),
    // A key set whose key lost a member: the parser must not quote what is left.
    broken: (res) =>
      res.end(JSON.stringify({ SecretString: keySetText.replace('"crv":"P-256"', '"crv":"P-384"') })),
  };

  beforeAll(async () => {
    keySet = await newKeySet(new Date());
    keySetText = JSON.stringify(keySet);
    privateValue = keySet.keys[0]?.jwk.d ?? '';
    extension = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push({ path: url.pathname, token: req.headers['x-aws-parameters-secrets-token'] as string });
      (answers[url.searchParams.get('secretId') ?? ''] ?? answers.garbage)?.(res);
    });
    await new Promise<void>((resolve) => extension.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => extension.close(resolve));
  });

  const source = (secretId: string) => ({
    extension: {
      secretId,
      sessionToken: 'session-token',
      port: String((extension.address() as AddressInfo).port),
    },
  });
  /** What a router cold start on AWS runs: the ARN and a session token, through the extension. */
  const loadKeySet = async (secretId: string): Promise<KeySet> =>
    parseKeySet(await readSecret(source(secretId)));
  /** What an authorizer cold start runs: the same read, then only public keys are accepted. */
  const loadPublicKeys = async (secretId: string) => parseJwks(await readSecret(source(secretId)));

  it('reads the key set with the session token, on loopback', async () => {
    const read = await loadKeySet('good');

    expect(read).toEqual(keySet);
    expect(requests.at(-1)).toEqual({ path: '/secretsmanager/get', token: 'session-token' });
  });

  it.each([
    ['a 500 whose body holds the key set', 'failing', /answered 500/],
    ['a body that is not JSON', 'garbage', /Could not read the secret/],
    ['no SecretString', 'binary', /no SecretString/],
    ["the stack's placeholder", 'placeholder', /not JSON/],
    ['a key set with a key that is not P-256', 'broken', /not an EC P-256 key/],
  ])('refuses %s within a bounded time, saying nothing of the answer', async (_, secretId, message) => {
    const started = Date.now();

    const error = await loadKeySet(secretId).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(Error);
    const text = String((error as Error).message);
    expect(text).toMatch(message);
    expect(text).not.toContain(privateValue);
    expect(text).not.toContain(keySet.hmacSecret);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses private keys where the authorizer expects public ones, quoting none of them', async () => {
    const error = await loadPublicKeys('good').then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(String((error as Error).message)).toMatch(/public keys document/);
    expect(String((error as Error).message)).not.toContain(privateValue);
  });
});
