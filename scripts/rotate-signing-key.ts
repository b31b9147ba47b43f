// `npm run rotate-signing-key`: one rotation step of the token signing keys, for a deployed
// branch (its two Secrets Manager secrets) or for the local data folder. It publishes a new key
// that signs only after PUBLISH_DELAY_SECONDS, and removes the previous key once every token it
// signed can have expired; it refuses, saying when to come back, while either is not yet so.
//   npm run rotate-signing-key -- --branch NAME [--status]
//   npm run rotate-signing-key -- --local [--data-dir DIR] [--status]
//   npm run rotate-signing-key -- --store [--status]     the server's SQL store (its variables)
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  describeKeySet,
  type KeySetStore,
  PUBLISH_DELAY_SECONDS,
  RotationRefusedError,
  rotateSigningKey,
} from '../lambda/tokens/rotation';
import { secretsManagerKeySetStore } from '../lambda/tokens/secrets-manager-store';
import { fileKeySetStore } from '../local/signing-keys';
import { DEFAULT_DATA_DIR } from '../local/stack';
import { parseOptions, UsageError } from './cli';
import { stackOutput } from './stack-output';

export const USAGE = `Usage:
  npm run rotate-signing-key -- --branch NAME [--status]    a deployed branch (AWS credentials, AWS_REGION)
  npm run rotate-signing-key -- --local [--data-dir DIR] [--status]
                                                             the local stack's key file (default .local/, or LOCAL_DATA_DIR)
  npm run rotate-signing-key -- --store [--status]          npm run serve's SQL store: STORE (embedded, with the
                                                             server stopped, or postgres), DATA_DIR, DATABASE_URL,
                                                             KEY_ENCRYPTION_KEY, as the server reads them
Publishes a new signing key that signs ${PUBLISH_DELAY_SECONDS / 60} minutes later, and removes the previous key
once its tokens can all have expired. --status only shows the keys.`;

export { UsageError };

export type Target =
  | { readonly kind: 'branch'; readonly branch: string }
  | { readonly kind: 'local'; readonly dataDir: string }
  | { readonly kind: 'store' };

export const parseRotateArgs = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { target: Target; statusOnly: boolean } => {
  const { values } = parseOptions({
    args: [...argv],
    options: {
      branch: { type: 'string' },
      local: { type: 'boolean' },
      'data-dir': { type: 'string' },
      store: { type: 'boolean' },
      status: { type: 'boolean' },
    },
  });
  if ([values.branch !== undefined, values.local, values.store].filter(Boolean).length !== 1)
    throw new UsageError('give one of --branch NAME, --local or --store.');
  if (values['data-dir'] !== undefined && !values.local)
    throw new UsageError('--data-dir goes with --local.');
  const target: Target = values.store
    ? { kind: 'store' }
    : values.local
      ? { kind: 'local', dataDir: values['data-dir'] || env.LOCAL_DATA_DIR || DEFAULT_DATA_DIR }
      : { kind: 'branch', branch: values.branch ?? '' };
  return { target, statusOnly: values.status ?? false };
};

/** Runs one rotation (or shows the keys) and returns what to print. Refusals throw RotationRefusedError. */
export const rotateCommand = async (
  store: KeySetStore,
  now: Date,
  statusOnly: boolean,
): Promise<string[]> => {
  if (statusOnly) {
    const set = await store.read();
    if (!set) throw new RotationRefusedError('There is no key set yet.');
    return describeKeySet(set, now);
  }
  const rotation = await rotateSigningKey(store, now);
  return [
    `Published key ${rotation.published.kid}; it signs from ${rotation.published.signsFrom}.`,
    ...(rotation.removed ? [`Removed key ${rotation.removed.kid}: every token it signed has expired.`] : []),
    ...describeKeySet(rotation.set, now),
  ];
};

const storeOf = async (
  target: Target,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ store: KeySetStore; close(): Promise<void> | void; where: string }> => {
  if (target.kind === 'store') {
    // Loaded only for --store: the SQL drivers are none of the other targets' business.
    const { readServerConfig } = await import('../server/config');
    const { openSqlDatabase } = await import('../server/sql-database');
    const { sqlKeySetStore } = await import('../lambda/store/sql/key-set-store');
    const config = readServerConfig(env, [], process.cwd());
    if (config.store.kind === 'dynamodb')
      throw new UsageError('--store rotates the SQL store (STORE=embedded or postgres).');
    const { db, keyEncryptionKey, close } = await openSqlDatabase(config);
    return { store: sqlKeySetStore(db, keyEncryptionKey), close, where: `the ${config.store.kind} store` };
  }
  if (target.kind === 'local') {
    const store = fileKeySetStore(target.dataDir);
    return { store, close: () => {}, where: store.file };
  }
  const [keySetSecretId, publicKeysSecretId] = await Promise.all([
    stackOutput({ branch: target.branch, key: 'SigningKeySetSecretArn' }),
    stackOutput({ branch: target.branch, key: 'PublicKeysSecretArn' }),
  ]);
  const client = new SecretsManagerClient({});
  return {
    store: secretsManagerKeySetStore(client, { keySetSecretId, publicKeysSecretId }),
    close: () => client.destroy(),
    where: `branch ${target.branch}`,
  };
};

const main = async (): Promise<void> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const { target, statusOnly } = parseRotateArgs(process.argv.slice(2), process.env);
  const { store, close, where } = await storeOf(target, process.env);
  try {
    console.log(`Signing keys of ${where}:`);
    for (const line of await rotateCommand(store, new Date(), statusOnly)) console.log(`  ${line}`);
  } finally {
    await close();
  }
};

if (require.main === module) {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`rotate-signing-key: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`rotate-signing-key: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
