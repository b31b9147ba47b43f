// `npm run invoke -- events/<name>.json`: one sample payload 2.0 event's request through the
// gateway core into the router handler, as `sam local invoke` did, and the router's own result
// printed as JSON on stdout.
//
// The handler checks every caller against the stored user, so an event only means something
// when its users exist. Each run therefore starts a throwaway in-memory stack (stack.ts), signs
// up the two demo accounts below through the gateway, and points the event at them: the demo ids
// in the event become the real ones, and a protected event's Authorization header carries that
// account's fresh token, so the context the router gets is what the real authorizer says for it.
// The gateway core rebuilds the event from the request, exactly as a request over HTTP would be.
// Progress goes to stderr, so stdout is only the response.
import { readFileSync } from 'node:fs';
import { createGatewayCore } from '../gateway/gateway-core';
import type { Gateway, GatewayEvent, GatewayRequest } from '../gateway/gateway-types';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { type LocalStack, startLocalStack } from './stack';

type AccountName = keyof typeof DEMO_ACCOUNTS;

interface Seeded {
  readonly id: string;
  readonly authorization: string;
}

const post = async (gateway: Gateway, path: string, body: unknown): Promise<Record<string, unknown>> => {
  const response = await gateway({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
    sourceIp: '127.0.0.1',
  });
  const payload = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
  if (response.status >= 300)
    throw new Error(`seeding: POST ${path} answered ${response.status} ${JSON.stringify(payload)}`);
  return payload;
};

/** Makes the account exist and logs it in. */
const seed = async (stack: LocalStack, name: AccountName): Promise<Seeded> => {
  const { email, name: displayName, password } = DEMO_ACCOUNTS[name];
  // The admin comes from the stack's own bootstrap; a plain user signs up like anyone.
  if (name === 'user') await post(stack.gateway, '/users', { email, name: displayName, password });
  const login = await post(stack.gateway, '/login', { email, password });
  return { id: (login.user as { id: string }).id, authorization: `Bearer ${login.token}` };
};

/**
 * The request the event was made from, with demo ids swapped for the seeded ones and the
 * caller's fresh token in place of the sample's. The headers API Gateway adds are left to it.
 */
const requestOf = (raw: string, seeded: Record<AccountName, Seeded>): GatewayRequest => {
  const original = JSON.parse(raw) as GatewayEvent;
  const caller = (Object.keys(DEMO_ACCOUNTS) as AccountName[]).find(
    (name) => original.requestContext.authorizer?.lambda.sub === DEMO_ACCOUNTS[name].id,
  );
  let text = raw;
  for (const name of Object.keys(DEMO_ACCOUNTS) as AccountName[]) {
    text = text.replaceAll(DEMO_ACCOUNTS[name].id, seeded[name].id);
  }
  const event = JSON.parse(text) as GatewayEvent;
  const headers: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(event.headers).filter(([name]) => !name.startsWith('x-forwarded-')),
  );
  if (event.cookies) headers.cookie = event.cookies.join('; ');
  if (caller) headers.authorization = seeded[caller].authorization;
  else if (original.requestContext.authorizer) {
    console.error(`note: the authorizer context names none of the demo accounts; the gateway decides.`);
  }
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return {
    method: event.requestContext.http.method,
    url: `${event.rawPath}${query}`,
    headers,
    body: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
    sourceIp: event.requestContext.http.sourceIp,
  };
};

/** The router's own result for `request`, as the gateway core hands it the event. */
const invokeRouter = async (stack: LocalStack, request: GatewayRequest): Promise<unknown> => {
  let result: unknown;
  let invoked = false;
  const gateway = createGatewayCore({
    ...stack.handlers,
    router: async (event, context) => {
      invoked = true;
      result = await stack.handlers.router(event, context);
      return result;
    },
  });
  const response = await gateway(request);
  if (invoked) return result;
  // The gateway answered before any Lambda ran (401, 403, 404, 413): that is the response.
  console.error('note: the gateway answered without invoking the router.');
  return { statusCode: response.status, headers: response.headers, body: response.body.toString('utf8') };
};

const main = async (): Promise<number> => {
  const file = process.argv[2];
  if (!file || file.startsWith('-')) {
    console.error('Usage: npm run invoke -- events/<name>.json');
    return 2;
  }
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
    JSON.parse(raw);
  } catch (error) {
    console.error(
      `npm run invoke: cannot read ${file} as JSON: ${error instanceof Error ? error.message : error}`,
    );
    return 2;
  }

  const { admin, user } = DEMO_ACCOUNTS;
  const stack = await startLocalStack({
    inMemory: true,
    admin: { email: admin.email, password: admin.password },
  });
  try {
    const seeded = { user: await seed(stack, 'user'), admin: await seed(stack, 'admin') };
    console.error(
      `Seeded an in-memory DynamoDB Local with ${user.email} (user, ${seeded.user.id}) and ${admin.email} ` +
        `(admin, ${seeded.admin.id}); the event's demo ids now point at them.`,
    );
    const result = await invokeRouter(stack, requestOf(raw, seeded));
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } finally {
    await stack.stop();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`npm run invoke: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
