// Black-box harness for the security suite: one local stack per test file (the `npm start` stack,
// on the Jest harness's DynamoDB Local, with a table of the file's own), a fetch client that
// checks every answer for leaks, and the token forgeries the suite sends.

import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { KeySet } from '../../lambda/keys/key-set';
import { ensureKeySet } from '../../lambda/keys/rotation';
import { dynamoDbClient } from '../../lambda/store/dynamodb-client';
import { commonPasswords } from '../../lambda/users/common-passwords';
import { memoryKeySetStore } from '../../local/signing-keys';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack';
import { UNREACHED_RATE_LIMITS } from '../support/api';
import { claimsOf, signToken as signForgedToken } from '../support/forged-tokens';

/** This suite's signing keys, in memory, made on first use; the stacks of this file sign with them. */
export const suiteKeys = memoryKeySetStore();
/** Every private value of the suite's key set (`d` of each key, the symmetric key): none may leak. */
const keyMaterial = new Set<string>();
export const suiteKeySet = async (): Promise<KeySet> => {
  const set = await ensureKeySet(suiteKeys, new Date());
  keyMaterial.add(set.hmacSecret);
  for (const key of set.keys) if (key.jwk.d) keyMaterial.add(key.jwk.d);
  return set;
};

export const ADMIN = { email: 'admin@security.example.com', password: 'security suite admin pw' } as const;

/** What no answer may ever carry: credentials and private key material. */
const SECRETS: readonly [string, RegExp][] = [
  ['a bcrypt hash', /\$2[abxy]\$\d\d\$/],
  // As a key with a value: an error may name such a field the client sent, never show one.
  ['a credential field', /"(password_hash|passwordHash|token_version|tokenVersion)"\s*:/],
  ['a private key member', /"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/],
];
/**
 * What no error may carry. Success bodies may echo a user's name, which could say anything; and
 * these are specific enough that input echoed in an error's detail (an id) does not look like one.
 */
const INTERNALS: readonly [string, RegExp][] = [
  // A frame on a line of its own, raw or JSON-escaped, or `at fn (file`.
  ['a stack frame', /(\n|\\n)\s+at |\bat [\w.<>]+ \(|\(node:internal|node_modules\//],
  ['a source path', /\/(work|var\/task|opt|home|tmp)\/\S+\.[cm]?[tj]s\b|\.[cm]?[tj]s:\d+:\d+/],
  ['an exception name', /\b[A-Z]\w*(Exception|Error)\b/],
];

/** The leak an answer shows, if any: checked on every answer of every security test. */
export const leakIn = (
  status: number,
  text: string,
  sentPasswords: Iterable<string> = [],
): string | undefined => {
  const patterns = status >= 400 ? [...SECRETS, ...INTERNALS] : SECRETS;
  for (const [what, pattern] of patterns) if (pattern.test(text)) return what;
  for (const secret of keyMaterial) if (text.includes(secret)) return 'signing key material';
  for (const password of sentPasswords) if (text.includes(password)) return 'a password';
  return undefined;
};

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are asserted field by field
  readonly body: any;
  readonly ms: number;
}

export interface Send {
  /** JSON-encoded, sent as application/json unless `headers` say otherwise. */
  readonly json?: unknown;
  /** Sent exactly as given. */
  readonly body?: string | Uint8Array;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

export type Call = (method: string, path: string, send?: Send) => Promise<Answer>;

const rememberPasswords = (value: unknown, into: Set<string>): void => {
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    // A common password ("password") may be a word of an error message, not an echo.
    if (/password/i.test(key) && typeof item === 'string') {
      if (item.length >= 8 && !commonPasswords().has(item.toLowerCase())) into.add(item);
    } else rememberPasswords(item, into);
  }
};

/** A fetch client for `baseUrl` that fails the test on any leak in headers or body. */
export const client = (baseUrl: string): { call: Call; sentPasswords: Set<string> } => {
  const sentPasswords = new Set<string>([ADMIN.password]);
  const call: Call = async (method, path, send = {}) => {
    rememberPasswords(send.json, sentPasswords);
    const headers: Record<string, string> = { ...send.headers };
    if (send.token !== undefined) headers.authorization = `Bearer ${send.token}`;
    let body = send.body;
    if (send.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(send.json);
    }
    const started = performance.now();
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    const ms = performance.now() - started;
    const leak = leakIn(response.status, `${JSON.stringify([...response.headers])}\n${text}`, sentPasswords);
    if (leak) throw new Error(`${method} ${path} leaked ${leak}: ${text.slice(0, 500)}`);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed, ms };
  };
  return { call, sentPasswords };
};

/** An RFC 9457 problem from the router, with the given status. */
export const expectProblem = (answer: Answer, status: number): void => {
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expect.anything() });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toEqual({
    type: expect.stringMatching(/^https:\/\/\S+$/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    ...(answer.body.errors === undefined ? {} : { errors: expect.any(Array) }),
  });
};

/** API Gateway's own answers (SPEC's gateway note): no problem+json, just a message. */
export const expectGateway = (answer: Answer, status: 401 | 403 | 404 | 413): void => {
  const message = {
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    413: 'Request Entity Too Large',
  };
  expect({ status: answer.status, body: answer.body }).toEqual({
    status,
    body: { message: message[status] },
  });
};

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

export interface SecurityStack {
  readonly stack: LocalStack;
  readonly call: Call;
  readonly sentPasswords: Set<string>;
  /** The bootstrap admin, logged in. */
  readonly admin: Account;
  /** Signs up (anonymously, as role `user`) and logs in a fresh account: two bcrypt runs. */
  signUp(label?: string): Promise<Account>;
  logIn(email: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export const uniqueEmail = (label = 'user'): string => `${label}-${randomUUID().slice(0, 12)}@example.com`;

/**
 * Starts the local stack for this test file. One per file: the handler modules read their
 * configuration when first imported, and Jest gives each file its own module registry.
 */
export const startSecurityStack = async (
  options: Partial<LocalStackOptions> = {},
): Promise<SecurityStack> => {
  process.env.BCRYPT_COST = '10';
  process.env.LOG_LEVEL = 'silent';
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint)
    throw new Error('the security project needs the DynamoDB Local of test/support/global-setup.ts');
  await suiteKeySet();
  const stack = await startLocalStack({
    inMemory: true,
    port: 0,
    dynamoDbEndpoint: endpoint,
    tableName: `security-${randomUUID()}`,
    keys: suiteKeys,
    admin: ADMIN,
    rateLimits: UNREACHED_RATE_LIMITS,
    ...options,
  });
  const { call, sentPasswords } = client(stack.url);
  const logIn = async (email: string, password: string): Promise<string> => {
    const answer = await call('POST', '/login', { json: { email, password } });
    if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${answer.text}`);
    return answer.body.token;
  };
  const signUp = async (label = 'user'): Promise<Account> => {
    const email = uniqueEmail(label);
    const password = `pw ${randomUUID()}`;
    const created = await call('POST', '/users', { json: { email, name: label, password } });
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${created.text}`);
    return { id: created.body.id, email, password, token: await logIn(email, password) };
  };
  const adminToken = await logIn(ADMIN.email, ADMIN.password);
  const adminId = claimsOf(adminToken).sub as string;
  return {
    stack,
    call,
    sentPasswords,
    admin: { id: adminId, ...ADMIN, token: adminToken },
    signUp,
    logIn,
    close: async () => {
      await dynamoDbClient().send(new DeleteTableCommand({ TableName: stack.tableName }));
      await stack.stop();
    },
  };
};

/**
 * The stack of this test file, started before its first test and closed after its last: usable
 * as soon as the file declares it, so each file's setup is one line.
 */
export const securityStackForThisFile = (options: Partial<LocalStackOptions> = {}): SecurityStack => {
  let started: SecurityStack | undefined;
  beforeAll(async () => {
    started = await startSecurityStack(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): SecurityStack => {
    if (!started) throw new Error('the security stack is used before beforeAll started it');
    return started;
  };
  return {
    get stack() {
      return current().stack;
    },
    get sentPasswords() {
      return current().sentPasswords;
    },
    get admin() {
      return current().admin;
    },
    call: (...args) => current().call(...args),
    signUp: (label) => current().signUp(label),
    logIn: (email, password) => current().logIn(email, password),
    close: () => current().close(),
  };
};

// Token forgeries. signToken signs with this suite's own current key (ES256, its kid), so a
// token it makes fails only on what the test broke in its claims.
export {
  claimsFor,
  claimsOf,
  confusedTokens,
  editedToken,
  foreignKeyToken,
  hmacToken,
  unsignedToken,
} from '../support/forged-tokens';
export const signToken = async (
  claims: Record<string, unknown>,
  options: Parameters<typeof signForgedToken>[2] = {},
): Promise<string> => signForgedToken(claims, await suiteKeySet(), options);
