// `npm start` as a newcomer runs it: a child process with its own DynamoDB Local. It serves,
// makes the admin, logs requests without secrets, keeps data for the next start, stops cleanly
// on SIGTERM and SIGINT leaving no Java behind, and fails with one clear line when it cannot start.
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/dynamodb-local';
import { type CollectedProcess, spawnCollecting } from '../support/child-process';

const ROOT = join(__dirname, '..', '..');
const ADMIN = { ADMIN_EMAIL: 'root@cli.example.com', ADMIN_PASSWORD: 'cli admin password' };

/** The env a newcomer's shell has: none of the variables the Jest harness and other tests set. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(AWS_|ADMIN_|TABLE_NAME|JWT_|LOG_LEVEL|BCRYPT_COST|PORT|DYNAMODB_PORT|LOCAL_DATA_DIR)/.test(name)) {
      delete env[name];
    }
  }
  return env;
};

type Run = CollectedProcess;

/** `npm start`'s own command line (package.json runs `node --import tsx local/start.ts`). */
const start = (env: Record<string, string>, args: string[] = []): Run =>
  spawnCollecting(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
    cwd: ROOT,
    env: { ...cleanEnv(), ...env },
  });

const waitForReady = async (run: Run): Promise<string> => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const url = /User API on (\S+)/.exec(run.stdout())?.[1];
    if (url) return url;
    if (run.child.exitCode !== null) throw new Error(`npm start exited: ${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`npm start did not come up: ${run.stdout()} ${run.stderr()}`);
};

/** Java processes whose command line names this port (Linux: /proc). */
const javaOnPort = (port: number): string[] =>
  existsSync('/proc')
    ? readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .map((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
          } catch {
            return '';
          }
        })
        .filter((cmdline) => cmdline.includes('DynamoDBLocal.jar') && cmdline.includes(`-port ${port} `))
    : [];

const logIn = (url: string, email: string, password: string) =>
  fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

const holdPort = async (): Promise<{ port: number; server: Server }> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
};

/** Waits for the exit and returns the one line `npm start` printed. */
const failure = async (run: Run): Promise<{ code: number | null; line: string }> => {
  const code = await run.exit;
  return { code, line: run.stderr().trim() };
};

const JAVA_TEST_TIMEOUT_MS = 90_000;

describe('npm start', () => {
  it(
    'serves in memory, makes the admin, logs each request without secrets, and SIGTERM leaves nothing running',
    async () => {
      const [port, dynamoDbPort] = [await freePort(), await freePort()];
      const run = start({ PORT: String(port), DYNAMODB_PORT: String(dynamoDbPort), ...ADMIN }, [
        '--in-memory',
      ]);

      const url = await waitForReady(run);
      const login = await logIn(url, ADMIN.ADMIN_EMAIL, ADMIN.ADMIN_PASSWORD);
      const { token } = (await login.json()) as { token: string };
      const list = await fetch(`${url}/users`, { headers: { authorization: `Bearer ${token}` } });
      expect(javaOnPort(dynamoDbPort)).toHaveLength(1);
      run.child.kill('SIGTERM');
      const code = await run.exit;

      expect(url).toMatch(new RegExp(`^http://(localhost|127\\.0\\.0\\.1):${port}$`));
      expect([login.status, list.status]).toEqual([200, 200]);
      expect(run.stdout()).toContain(`Admin ${ADMIN.ADMIN_EMAIL}: created`);
      expect(run.stdout()).toMatch(/curl .*\/users/);
      expect(run.stdout()).toMatch(/^POST \/login 200 \d+ ms$/m);
      expect(run.stdout()).toMatch(/^GET \/users 200 \d+ ms$/m);
      expect(run.stdout()).not.toContain(ADMIN.ADMIN_PASSWORD);
      expect(run.stdout()).not.toContain(token);
      expect(code).toBe(0);
      expect(javaOnPort(dynamoDbPort)).toEqual([]);
    },
    JAVA_TEST_TIMEOUT_MS,
  );

  it(
    'keeps data and the signing keys for the next start, and SIGINT stops it cleanly',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'user-api-data-'));
      try {
        const first = start({ PORT: String(await freePort()), LOCAL_DATA_DIR: dataDir, ...ADMIN });
        const firstUrl = await waitForReady(first);
        const { token } = (await (await logIn(firstUrl, ADMIN.ADMIN_EMAIL, ADMIN.ADMIN_PASSWORD)).json()) as {
          token: string;
        };
        first.child.kill('SIGTERM');
        expect(await first.exit).toBe(0);

        const dynamoDbPort = await freePort();
        const second = start({
          PORT: String(await freePort()),
          DYNAMODB_PORT: String(dynamoDbPort),
          LOCAL_DATA_DIR: dataDir,
          ...ADMIN,
        });
        const secondUrl = await waitForReady(second);
        const me = await fetch(`${secondUrl}/users?limit=1`, {
          headers: { authorization: `Bearer ${token}` },
        });
        second.child.kill('SIGINT');
        const code = await second.exit;

        expect(second.stdout()).toContain(`Admin ${ADMIN.ADMIN_EMAIL}: unchanged`);
        expect(me.status).toBe(200);
        expect(statSync(join(dataDir, 'signing-keys.json')).mode & 0o777).toBe(0o600);
        expect(code).toBe(0);
        expect(javaOnPort(dynamoDbPort)).toEqual([]);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    JAVA_TEST_TIMEOUT_MS,
  );

  it('refuses an ADMIN_PASSWORD the API would refuse, naming the variable, before starting Java', async () => {
    const run = start(
      { PORT: String(await freePort()), ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'short' },
      ['--in-memory'],
    );

    const { code, line } = await failure(run);

    expect(code).toBe(1);
    expect(line).toMatch(/^npm start: .*ADMIN_PASSWORD .*8 bytes/);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('short');
  });

  it('refuses ADMIN_EMAIL without ADMIN_PASSWORD', async () => {
    const { code, line } = await failure(
      start({ PORT: String(await freePort()), ADMIN_EMAIL: 'a@example.com' }),
    );

    expect(code).toBe(1);
    expect(line).toBe('npm start: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither.');
  });

  it.each(['PORT', 'DYNAMODB_PORT'])('says in one line that %s is in use', async (variable) => {
    const held = await holdPort();
    try {
      const env = { PORT: String(await freePort()), [variable]: String(held.port) };

      const { code, line } = await failure(start(env, ['--in-memory']));

      expect(code).toBe(1);
      expect(line).toMatch(new RegExp(`^npm start: .*${held.port} is already in use`));
      expect(line).not.toContain('\n');
    } finally {
      held.server.close();
    }
  });

  it('says in one line that java is missing', async () => {
    const { code, line } = await failure(
      start({ PORT: String(await freePort()), PATH: '/nonexistent' }, ['--in-memory']),
    );

    expect(code).toBe(1);
    expect(line).toBe('npm start: DynamoDB Local needs Java 17 or newer: `java` was not found on PATH.');
  });

  it('says in one line that DynamoDB Local did not come up', async () => {
    // A `java` that answers -version and then dies at once, as a broken installation would.
    const bin = mkdtempSync(join(tmpdir(), 'broken-java-'));
    writeFileSync(join(bin, 'java'), '#!/bin/sh\n[ "$1" = "-version" ] && exit 0\nexit 1\n');
    chmodSync(join(bin, 'java'), 0o755);
    try {
      const run = start({ PORT: String(await freePort()), PATH: `${bin}:${process.env.PATH}` }, [
        '--in-memory',
      ]);

      const { code, line } = await failure(run);

      expect(code).toBe(1);
      expect(line).toMatch(/^npm start: DynamoDB Local exited before it answered on port \d+\.$/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('refuses an unknown argument', async () => {
    const { code, line } = await failure(start({ PORT: String(await freePort()) }, ['--in-memroy']));

    expect(code).toBe(2);
    expect(line).toMatch(/^npm start: unknown argument --in-memroy/);
  });
});
