// Child process of `npm run test:load`: the local stack (gateway, handlers, its own in-memory
// DynamoDB Local) on a free loopback port. Prints one JSON line `{ "port": N }` once it serves;
// stops everything when its parent closes stdin or sends SIGTERM.
import { createLogger } from '../../lambda/shared/logger';
import { startLocalStack } from '../../local/stack';
import { UNREACHED_RATE_LIMITS } from '../support/api';

export const LOAD_ADMIN = { email: 'admin@load.example.com', password: 'load test admin password' } as const;

const main = async (): Promise<void> => {
  const stack = await startLocalStack({
    inMemory: true,
    port: 0,
    admin: LOAD_ADMIN,
    logger: createLogger({ level: 'silent' }),
    // One machine plays every client: the per-address limits would measure themselves, not the API.
    rateLimits: UNREACHED_RATE_LIMITS,
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
  console.log(JSON.stringify({ port: stack.port }));
};

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
