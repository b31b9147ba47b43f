// `npm start`: reads flags and env, starts the local stack (stack.ts), prints where it is and one
// line per request, and stops everything it started on Ctrl-C or SIGTERM. Every startup failure
// is one line on stderr and a non-zero exit.
import { brandOf } from '../lambda/pages/create-pages-handler';
import { readRouterSettings } from '../lambda/router/dependencies';
import { createLogger } from '../lambda/shared/logger';
import { buildPages } from '../pages/build';
import { type LocalStackOptions, startLocalStack } from './stack';
import { USAGE } from './usage';

// The SDK's notice that its releases from 2027 want Node 22; this project pins its SDK version.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const fail = (message: string, code = 1): never => {
  console.error(`npm start: ${message}`);
  process.exit(code);
};

const portFromEnv = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    fail(`${name} must be a port number (0-65535), got "${raw}".`);
  return port;
};

const optionsFromCommandLine = (): LocalStackOptions => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  const unknown = args.filter((arg) => arg !== '--in-memory');
  if (unknown.length > 0) fail(`unknown argument ${unknown.join(' ')} (try --help)`, 2);

  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = process.env;
  if (Boolean(email) !== Boolean(password)) fail('set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither.');
  const dynamoDbPort = portFromEnv('DYNAMODB_PORT');
  let handlerSettings: Pick<
    LocalStackOptions,
    'bcryptCost' | 'tokenTtlSeconds' | 'sessionTtlSeconds' | 'reauthMaxAgeSeconds' | 'rateLimits' | 'brand'
  >;
  try {
    // The router's own rules for these, so a value the stack would refuse is refused here.
    const { bcryptCost, tokenTtlSeconds, sessionTtlSeconds, reauthMaxAgeSeconds, rateLimits } =
      readRouterSettings({ ...process.env, TABLE_NAME: 'local' });
    handlerSettings = {
      bcryptCost,
      tokenTtlSeconds,
      sessionTtlSeconds,
      ...(reauthMaxAgeSeconds !== undefined && { reauthMaxAgeSeconds }),
      ...(rateLimits && { rateLimits }),
      brand: brandOf(process.env.PRODUCT_NAME, process.env.ACCENT_COLOR),
    };
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  return {
    ...handlerSettings,
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
    inMemory: args.includes('--in-memory'),
    ...(process.env.LOCAL_DATA_DIR ? { dataDir: process.env.LOCAL_DATA_DIR } : {}),
    port: portFromEnv('PORT') ?? 3000,
    ...(dynamoDbPort ? { dynamoDbPort } : {}),
    ...(email && password ? { admin: { email, password } } : {}),
    // Method, path, status, time: never a body, a header or a query string (they carry secrets).
    onRequest: ({ method, path, status, ms }) => console.log(`${method} ${path} ${status} ${ms} ms`),
    onError: (error, handler) => console.error(`${handler} failed:`, error),
  };
};

const main = async (): Promise<void> => {
  const options = optionsFromCommandLine();
  const startedAt = Date.now();
  let stopping = false;
  let stopStack: (() => Promise<void>) | undefined;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await stopStack?.();
    process.exit(code);
  };
  // A signal during startup is honoured once the stack is up: startLocalStack cannot be cut
  // short halfway without leaving Java behind, and it ends within DynamoDB Local's ready timeout.
  let signalled = false;
  const onSignal = () => {
    signalled = true;
    if (stopStack) void shutdown(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // npm runs scripts through `sh -c`, and a SIGTERM to npm stops that shell but not its child:
  // orphaned, this process would keep the port and Java. A changed parent id means exactly that.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && onSignal(), 500).unref();

  // The pages are built in memory at every start (well under a second): no stale build to serve.
  const stack = await startLocalStack({ ...options, pages: await buildPages() });
  stopStack = stack.stop;
  if (signalled) return shutdown(0);
  void stack.dynamoDbExited.then(() => {
    if (stopping) return;
    console.error('npm start: DynamoDB Local stopped unexpectedly; stopping.');
    void shutdown(1);
  });

  const storage = stack.dynamoDb.inMemory ? 'in memory' : `data in ${options.dataDir ?? '.local/'}`;
  console.log(`User API on ${stack.url}  (DynamoDB Local at ${stack.dynamoDb.endpoint}, ${storage})`);
  if (options.admin) console.log(`Admin ${options.admin.email}: ${stack.admin}`);
  const body = JSON.stringify({ email: 'ada@example.com', name: 'Ada', password: 'correct horse battery' });
  console.log(`Try:  curl -i ${stack.url}/users -H 'content-type: application/json' -d '${body}'`);
  console.log(`Account pages: ${stack.url}/account/`);
  console.log(`API reference: ${stack.url}/docs`);
  console.log(
    `Mail sent by the stack: ${stack.mailInboxUrl}  (for programs: ${stack.url}/_local/inbox?to=ADDRESS)`,
  );
  console.log(`Ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s. Ctrl-C stops it.`);
};

// LocalStackError and DynamoDbLocalError messages are written for this line; others are bugs.
main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
