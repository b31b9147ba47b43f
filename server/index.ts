// `npm run serve`, the server's entry and composition root: the only module of the server that
// reads process.env. It prints one line and exits non-zero when the configuration is wrong, and
// on SIGTERM or SIGINT drains (server/http-server.ts) and exits 0. Start it as node itself (the
// image's command, a process manager, a test): npm does not pass SIGTERM on to its child.
import { systemClock } from '../lambda/shared/clock';
import { ConfigurationError } from '../lambda/shared/env';
import { createLogger } from '../lambda/shared/logger';
import { sourceMappedStack } from '../lambda/shared/source-mapped-stack';
import { readServerConfig, USAGE } from './config';
import { batchedLogWriter } from './log-writer';
import { startServer } from './serve';

// The SDK's notice that its releases from 2027 want Node 22; this project pins its SDK version.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Flushed at exit (a crash included), and before the one line a failed start ends with.
const lines = batchedLogWriter();
process.on('exit', () => lines.flush());

const fail = (error: unknown): never => {
  const message = error instanceof Error ? error.message : String(error);
  lines.flush();
  console.error(`npm run serve: ${message}`);
  process.exit(error instanceof ConfigurationError ? 2 : 1);
};

const main = async () => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const config = readServerConfig(process.env, args, process.cwd());
  const logger = createLogger({ level: config.logLevel, stack: sourceMappedStack, write: lines.write });
  const server = await startServer(config, { logger, clock: systemClock });
  let signalled = false;
  const stop = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info('Shutting down', { signal, delay_seconds: config.shutdownDelaySeconds });
    server.shutdown().then(
      () => {
        logger.info('Stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('Shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info('Listening', { url: server.url, store: config.store.kind });
  server.opened.then(
    (serving) => serving && logger.info('Serving', { url: server.url }),
    (error: unknown) => server.shutdown({ immediate: true }).finally(() => fail(error)),
  );
};

main().catch(fail);
