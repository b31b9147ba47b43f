// `npm run create-admin -- --branch NAME --email E`: makes (or promotes, or resets) the first admin of
// a deployed branch, through the very use case `npm start` runs: ensureAdmin(),
// so the admin obeys the API's own rules. The password comes from a hidden prompt, or from standard
// input when that is not a terminal; never from the command line, where `ps` and shell history
// would keep it. `--table NAME` (or TABLE_NAME) names the table directly instead of the branch;
// `--store` names the store `npm run serve` is configured for, by the server's own variables.
import { randomIds, systemClock } from '../lambda/shared/clock';
import { ConfigurationError } from '../lambda/shared/env';
import { ValidationError } from '../lambda/shared/errors';
import { parseStrict } from '../lambda/shared/parse-strict';
import { createPasswordHasher } from '../lambda/shared/passwords';
import {
  createDocumentClient,
  createDynamoDbClient,
  type DynamoDbClientOptions,
} from '../lambda/store/dynamodb-client';
import { DynamoDbUserRepository } from '../lambda/store/user-repository';
import { ensureAdmin } from '../lambda/users/ensure-admin';
import type { UserRepository } from '../lambda/users/repository';
import { adminAccountSchema } from '../lambda/users/schemas';
import { parseOptions, UsageError } from './cli';

/** A wrong invocation: the message, then the usage, exit 2. */
export { UsageError };
/** The admin could not be made as asked (e.g. the API's rules refuse the password): exit 1. */
export class CreateAdminError extends Error {}

const USAGE = `usage: npm run create-admin -- (--branch NAME | --table NAME | --store) --email EMAIL
  --branch NAME   the git branch whose deployed stack holds the users table (its TableName output)
  --table NAME    the table itself (or set TABLE_NAME); no CloudFormation look-up
  --store         npm run serve's store, by the server's variables: STORE (embedded, with the server
                  stopped; postgres, while replicas run; dynamodb), DATA_DIR, DATABASE_URL, KEY_ENCRYPTION_KEY
  --email EMAIL   the admin's email
The password is read from a hidden prompt, or from standard input when it is not a terminal:
  printf '%s\\n' "$ADMIN_PASSWORD" | npm run create-admin -- --branch main --email admin@example.com
AWS credentials and region come from the usual AWS environment (AWS_PROFILE, AWS_REGION, …).`;

const PASSWORD_FLAG = /^--?password(=|$)|^-p$/i;

export interface CreateAdminArgs {
  readonly branch?: string | undefined;
  readonly table?: string | undefined;
  /** `--store`: the server's store, as `npm run serve` reads its configuration. */
  readonly store?: boolean;
  readonly email: string;
}

export const parseCreateAdminArgs = (argv: readonly string[], env: NodeJS.ProcessEnv): CreateAdminArgs => {
  if (argv.some((arg) => PASSWORD_FLAG.test(arg))) {
    throw new UsageError(
      'refusing a password on the command line: other users of this machine can see it (ps) and your shell ' +
        'history keeps it. Leave it out and type it at the prompt, or pipe it on standard input.',
    );
  }
  const { values } = parseOptions({
    args: [...argv],
    options: {
      branch: { type: 'string' },
      table: { type: 'string' },
      store: { type: 'boolean' },
      email: { type: 'string' },
    },
  });
  if ([values.branch !== undefined, values.table !== undefined, values.store].filter(Boolean).length > 1)
    throw new UsageError('give one of --branch, --table or --store.');
  if (!values.email) throw new UsageError('--email is required.');
  // With --store the server's variables decide (its TABLE_NAME only when STORE=dynamodb).
  if (values.store) return { store: true, email: values.email };
  const table = values.table ?? (values.branch === undefined ? env.TABLE_NAME : undefined);
  if (values.branch === undefined && !table)
    throw new UsageError("name the branch (--branch), the table (--table) or the server's store (--store).");
  return { branch: values.branch, table, email: values.email };
};

/** Standard input up to its end, first line only, without the line break. */
const readPiped = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').replace(/\r$/, '');
};

/** Reads one line from the terminal without echoing it. */
const promptHidden = (question: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const { stdin, stderr } = process;
    let typed = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new UsageError('cancelled.'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });

const readPassword = async (): Promise<string> => {
  if (!process.stdin.isTTY) return readPiped();
  const password = await promptHidden('Admin password: ');
  if ((await promptHidden('Repeat it: ')) !== password) throw new UsageError('the two passwords differ.');
  return password;
};

const tableOf = async (args: CreateAdminArgs): Promise<string> => {
  if (args.table) return args.table;
  const { stackOutput } = await import('./stack-output');
  return stackOutput({ branch: args.branch ?? '', key: 'TableName' });
};

/** Where the admin goes: the users repository and the words for it, and how to let go of it. */
interface Target {
  readonly repository: UserRepository;
  readonly bcryptCost?: number;
  readonly where: string;
  close(): Promise<void> | void;
}

const dynamoDbTarget = (tableName: string, clientOptions: DynamoDbClientOptions | undefined): Target => {
  const base = createDynamoDbClient(clientOptions);
  return {
    repository: new DynamoDbUserRepository({ tableName, client: createDocumentClient(base) }),
    where: `table ${tableName}`,
    close: () => base.destroy(),
  };
};

/**
 * `--store`: the server's configuration reader and store opening, so the admin lands where
 * `npm run serve` looks. The embedded store takes DATA_DIR's lock, as the server does: with the
 * server running it stops at one line saying the folder is held.
 */
const serverStoreTarget = async (env: NodeJS.ProcessEnv): Promise<Target> => {
  // Loaded only for --store: the SQL drivers are none of the other targets' business.
  const { readServerConfig } = await import('../server/config');
  const config = readServerConfig(env, [], process.cwd());
  const { bcryptCost, auditRetentionDays } = config.router;
  if (config.store.kind === 'dynamodb') {
    const { clientOptions } = await import('../server/dynamodb-store');
    return { ...dynamoDbTarget(config.store.tableName, clientOptions(config.store.endpoint)), bcryptCost };
  }
  const { openSqlDatabase } = await import('../server/sql-database');
  const { migrate } = await import('../lambda/store/sql/migrate');
  const { SqlUserRepository } = await import('../lambda/store/sql/repositories/users');
  const { db, close } = await openSqlDatabase(config);
  try {
    // As the server's start does (under the same advisory lock): an admin made before the first start.
    await migrate(db);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    repository: new SqlUserRepository(db, { auditRetentionDays, clock: systemClock, newId: randomIds }),
    bcryptCost,
    where: `the ${config.store.kind} store`,
    close,
  };
};

const OUTCOMES = {
  created: 'created admin',
  promoted: 'promoted the existing user to admin (password unchanged)',
  'password-reset': 'set a new password for admin (their tokens issued before now stop working)',
  unchanged: 'already an admin with this password; nothing changed',
} as const;

/** The API's own words about each refused field; never the value that was refused. */
const refusal = (error: ValidationError): CreateAdminError =>
  new CreateAdminError(
    `the admin was not created: ${error.errors.map((issue) => `${issue.path} ${issue.message}`).join('; ') || error.detail}`,
  );

export interface CreateAdminOptions {
  /** Where DynamoDB is; the SDK's defaults (the AWS account of the shell) when omitted. */
  readonly dynamoDb?: DynamoDbClientOptions;
  readonly bcryptCost?: number;
  /** The server's variables, for `--store`. */
  readonly env?: NodeJS.ProcessEnv;
}

export const createAdmin = async (
  args: CreateAdminArgs,
  password: string,
  options: CreateAdminOptions = {},
): Promise<string> => {
  if (password === '') throw new CreateAdminError('no password given (empty prompt or standard input).');
  // The same rules ensureAdmin applies, checked before any store is reached, so a typo costs no round trip.
  try {
    parseStrict(adminAccountSchema, { email: args.email, password }, 'admin account');
  } catch (error) {
    if (error instanceof ValidationError) throw refusal(error);
    throw error;
  }
  // Exactly what the bootstrap needs: the users and bcrypt. No signing key, so this tool never
  // needs read access to the stack's secret.
  const target = args.store
    ? await serverStoreTarget(options.env ?? {})
    : dynamoDbTarget(await tableOf(args), options.dynamoDb);
  const dependencies = {
    repository: target.repository,
    passwords: createPasswordHasher(options.bcryptCost ?? target.bcryptCost ?? 10),
    clock: systemClock,
    newId: randomIds,
  };
  try {
    const outcome = await ensureAdmin(dependencies, args.email, password);
    return `${OUTCOMES[outcome]}: ${args.email.trim().toLowerCase()} in ${target.where}.`;
  } catch (error) {
    if (error instanceof ValidationError) throw refusal(error);
    throw error;
  } finally {
    await target.close();
  }
};

const main = async (): Promise<void> => {
  // The SDK's notice about Node 22 for its future releases; this tool pins its SDK version.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const args = parseCreateAdminArgs(process.argv.slice(2), process.env);
  const password = await readPassword();
  console.log(await createAdmin(args, password, { env: process.env }));
};

if (require.main === module) {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`create-admin: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    // A server variable that is missing or wrong, or DATA_DIR held by a running server: one line.
    if (error instanceof ConfigurationError) {
      console.error(`create-admin: ${error.message}`);
      process.exit(2);
    }
    console.error(`create-admin: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
