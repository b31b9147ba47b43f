// A real PostgreSQL 15 for the suites: Debian's server (`postgresql-15`, which keeps initdb and
// pg_ctl in its versioned folder), started as the `postgres` OS user (it refuses root) in a
// temporary folder on a free port, fsync off, trust auth on 127.0.0.1 only. Stopped and removed
// by stop(). `.ci/run` installs the package when it is missing.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/dynamodb-local';

/** Debian's PostgreSQL 15; POSTGRES_BIN points elsewhere (GitHub's Ubuntu runner has 16). */
export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string;
  readonly port: number;
  /** Its data folder (postmaster.pid names the server's process). */
  readonly dataDir: string;
  /** A URL for another database on this server. */
  urlOf(database: string): string;
  /** Shuts the server down (`fast`: ends sessions cleanly; `immediate`: as a crash) and keeps its data. */
  halt(mode: 'fast' | 'immediate'): void;
  /** Starts it again after halt(): the same data folder, the same port. */
  resume(): void;
  stop(): Promise<void>;
}

export const postgresIsInstalled = (): boolean => existsSync(join(POSTGRES_BIN, 'pg_ctl'));

const idOf = (flag: '-u' | '-g', user: string): number =>
  Number(execFileSync('id', [flag, user]).toString().trim());

export const startPostgres = async (): Promise<RunningPostgres> => {
  if (!postgresIsInstalled())
    throw new Error(`PostgreSQL 15 is not installed (${POSTGRES_BIN}): apt-get install postgresql-15`);
  const root = mkdtempSync(join(tmpdir(), 'user-api-pg-'));
  const data = join(root, 'data');
  const sockets = join(root, 'sockets');
  mkdirSync(data);
  mkdirSync(sockets);
  // As root, the server runs as `postgres`; as any other user, as that user.
  const asRoot = userInfo().uid === 0;
  const run = (command: string, args: string[]) => {
    const bin = join(POSTGRES_BIN, command);
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
    execFileSync(file as string, argv as string[], { cwd: tmpdir(), stdio: 'pipe' });
  };
  if (asRoot) {
    for (const dir of [root, data, sockets]) chownSync(dir, idOf('-u', 'postgres'), idOf('-g', 'postgres'));
  }
  const port = await freePort();
  run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-w',
      '-l',
      join(root, 'server.log'),
      '-o',
      `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
  start();
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let stopped: Promise<void> | undefined;
  return {
    url: urlOf('postgres'),
    port,
    dataDir: data,
    urlOf,
    halt: (mode) => run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']),
    resume: start,
    stop() {
      stopped ??= (async () => {
        try {
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      })();
      return stopped;
    },
  };
};
