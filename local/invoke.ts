// `npm run invoke -- events/<name>.json`: one payload 2.0 event straight into the router handler,
// as `sam local invoke` did, and its response printed as JSON on stdout.
//
// The handler checks every caller against the stored user, so an event only means something
// when its users exist. Each run therefore starts a throwaway in-memory stack (stack.ts), signs
// up the two demo accounts below through the API, and points the event at them: the demo ids in
// the event become the real ones, and a protected event's authorizer context and Authorization
// header become what the real authorizer says for that account's fresh token. Progress goes to
// stderr, so stdout is only the response.
import { readFileSync } from 'node:fs';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { type GatewayEvent, lambdaContext, newRequestId } from './gateway';
import { type LocalStack, startLocalStack } from './stack';

type AccountName = keyof typeof DEMO_ACCOUNTS;

interface Seeded {
  readonly id: string;
  readonly authorization: string;
  readonly claims: Record<string, unknown>;
}

const post = async (stack: LocalStack, path: string, body: unknown): Promise<Record<string, unknown>> => {
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const payload = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`seeding: POST ${path} answered ${response.status} ${JSON.stringify(payload)}`);
  return payload;
};

/** Makes the account exist, logs it in, and asks the real authorizer what its token carries. */
const seed = async (stack: LocalStack, name: AccountName): Promise<Seeded> => {
  const { email, name: displayName, password } = DEMO_ACCOUNTS[name];
  // The admin comes from the stack's own bootstrap; a plain user signs up like anyone.
  if (name === 'user') await post(stack, '/users', { email, name: displayName, password });
  const login = await post(stack, '/login', { email, password });
  const authorization = `Bearer ${login.token}`;
  // The authorizer reads only the identity source; the rest of its event is beside the point here.
  const event = { type: 'REQUEST', identitySource: [authorization], headers: { authorization } };
  const verdict = (await stack.handlers.authorizer(
    event as unknown as APIGatewayRequestAuthorizerEventV2,
    lambdaContext('authorizer', newRequestId()),
  )) as { isAuthorized: boolean; context?: Record<string, unknown> };
  if (!verdict.isAuthorized || !verdict.context) throw new Error(`seeding: the authorizer refused ${email}`);
  return { id: (login.user as { id: string }).id, authorization, claims: { ...verdict.context } };
};

/** The event, with demo ids swapped for the seeded ones and a fresh identity where it has one. */
const pointAtSeeded = (raw: string, seeded: Record<AccountName, Seeded>): GatewayEvent => {
  const original = JSON.parse(raw) as GatewayEvent;
  const caller = (Object.keys(DEMO_ACCOUNTS) as AccountName[]).find(
    (name) => original.requestContext.authorizer?.lambda.sub === DEMO_ACCOUNTS[name].id,
  );
  let text = raw;
  for (const name of Object.keys(DEMO_ACCOUNTS) as AccountName[]) {
    text = text.replaceAll(DEMO_ACCOUNTS[name].id, seeded[name].id);
  }
  const event = JSON.parse(text) as GatewayEvent;
  if (caller) {
    event.requestContext.authorizer = { lambda: seeded[caller].claims };
    event.headers.authorization = seeded[caller].authorization;
  } else if (original.requestContext.authorizer) {
    console.error(`note: the authorizer context names none of the demo accounts; it is sent as it is.`);
  }
  event.requestContext.requestId = newRequestId();
  return event;
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
    const event = pointAtSeeded(raw, seeded);
    const result = await stack.handlers.router(
      event,
      lambdaContext('router', event.requestContext.requestId),
    );
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
