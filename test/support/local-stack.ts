// End-to-end tests: the local stack of `npm start`, on the Jest harness's in-memory DynamoDB Local
// with a table of this test file's own, driven over real HTTP with fetch. Every response is
// checked for leaked credentials.

import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../lambda/store/dynamodb-client';
import { memoryKeySetStore } from '../../local/signing-keys';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack';
import { UNREACHED_RATE_LIMITS } from './api';

export const E2E_ADMIN = { email: 'admin@e2e.example.com', password: 'admin password for e2e' } as const;

export interface TestStack extends LocalStack {
  /** Deletes the table, then stops the stack. */
  close(): Promise<void>;
}

export const startTestStack = async (options: Partial<LocalStackOptions> = {}): Promise<TestStack> => {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint) throw new Error('the e2e project needs the DynamoDB Local of test/support/global-setup.ts');
  const stack = await startLocalStack({
    dynamoDbEndpoint: endpoint,
    tableName: `e2e-${randomUUID()}`,
    admin: E2E_ADMIN,
    // Fresh keys in memory: nothing of the repository's .local/ is read or written.
    keys: memoryKeySetStore(),
    rateLimits: UNREACHED_RATE_LIMITS,
    ...options,
  });
  return {
    ...stack,
    close: async () => {
      await dynamoDbClient().send(new DeleteTableCommand({ TableName: stack.tableName }));
      await stack.stop();
    },
  };
};

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are asserted field by field
  readonly body: any;
}

export interface HttpOptions {
  /** JSON-encoded, with `content-type: application/json` unless headers say otherwise. */
  readonly json?: unknown;
  /** Sent exactly as given. */
  readonly body?: string | Uint8Array;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

const CREDENTIAL = /\$2[abxy]\$\d\d\$|password_hash|passwordHash|token_version|tokenVersion/;

/** A small fetch client for one base URL that remembers every password it sent. */
export const httpClient = (baseUrl: string) => {
  const sentPasswords = new Set<string>();
  const remember = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (/password/.test(key) && typeof item === 'string') sentPasswords.add(item);
      else remember(item);
    }
  };

  const call = async (method: string, path: string, options: HttpOptions = {}): Promise<HttpResult> => {
    remember(options.json);
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    if (CREDENTIAL.test(text)) throw new Error(`${method} ${path} leaked a credential: ${text}`);
    for (const password of sentPasswords) {
      if (text.includes(password)) throw new Error(`${method} ${path} echoed a password: ${text}`);
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  };
  return { call, sentPasswords };
};
