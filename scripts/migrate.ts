// `npm run migrate`: applies the SQL store's migrations and exits, without serving — the
// Kubernetes Job before a rollout, or a step of a deploy script. The server applies them at
// start too (under the same advisory lock), so running both is safe. Reads the server's
// variables (STORE, DATA_DIR, DATABASE_URL, KEY_ENCRYPTION_KEY); a wrong one is one line, exit 2.
import { ConfigurationError } from '../lambda/shared/env';
import { migrate, schemaVersion } from '../lambda/store/sql/migrate';
import { readServerConfig } from '../server/config';
import { openSqlDatabase } from '../server/sql-database';

const main = async () => {
  const config = readServerConfig(process.env, [], process.cwd());
  if (config.store.kind === 'dynamodb') {
    console.log('npm run migrate: STORE=dynamodb has no migrations (the stack defines the table).');
    return;
  }
  const { db, close } = await openSqlDatabase(config);
  try {
    const applied = await migrate(db);
    const version = await schemaVersion(db);
    console.log(
      applied.length === 0
        ? `npm run migrate: the ${config.store.kind} schema is current (version ${version}).`
        : `npm run migrate: applied ${applied.join(', ')}; the ${config.store.kind} schema is at version ${version}.`,
    );
  } finally {
    await close();
  }
};

main().catch((error: unknown) => {
  console.error(`npm run migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ConfigurationError ? 2 : 1);
});
