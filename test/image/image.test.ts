// The Dockerfile, built and run with podman (issue 26): on a base made here from Debian's packages
// and this machine's node (no registry is reachable), as a cluster would run it — read-only root,
// the embedded store on a volume, a fixed non-root user, node as the command. The migration entry
// applies the schema and exits; the server turns ready, signs up and logs in over HTTP, stops on
// SIGTERM with exit code 0, and finds its users again on the same volume. The image's size and
// build time go to stdout and reports/image.json. `npm test` runs this suite when podman is there.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createClient } from '../support/client';
import {
  type BuiltImage,
  buildImage,
  buildTestBaseImage,
  type ImageInspection,
  inspectImage,
  PodmanRun,
  podman,
  podmanOk,
  ULIMITS,
} from '../support/podman';
import { overHttp } from '../support/transport';

const ROOT = join(__dirname, '..', '..');
const PASSWORD = 'correct horse battery';
const MB = 1024 * 1024;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });

const ipForward = (): string => readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const run = new PodmanRun();
const data = run.volume('data');
const ipForwardBefore = ipForward();
let image: BuiltImage;
let base: ImageInspection;
let inspection: ImageInspection;

/** The image as a cluster runs it: read-only root (podman mounts a fresh /tmp), /data a volume. */
const runArgs = (extra: readonly string[] = []): string[] => [
  ...ULIMITS,
  '--network',
  'host',
  '--read-only',
  '--volume',
  `${data}:/data`,
  ...extra,
];

const startServer = async (name: string): Promise<string> => {
  const port = await freePort();
  // The host's network: the port it listens on is picked here, on loopback only.
  await podmanOk([
    'run',
    '--detach',
    '--name',
    name,
    ...runArgs(['--env', `PORT=${port}`, '--env', 'HOST=127.0.0.1']),
    image.name,
  ]);
  return `http://127.0.0.1:${port}`;
};

/** /readyz's status once it is 200, or the last one seen after 60 s. */
const readyStatus = async (url: string): Promise<number> => {
  const deadline = Date.now() + 60_000;
  let status = 0;
  while (Date.now() < deadline) {
    status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return status;
    await sleep(250);
  }
  return status;
};

const logsOf = async (name: string): Promise<string> => {
  const logs = await podman(['logs', name]);
  return `${logs.stdout}\n${logs.stderr}`;
};

beforeAll(async () => {
  const baseImage = await buildTestBaseImage(run);
  base = await inspectImage(baseImage);
  image = await buildImage(run, baseImage);
  inspection = await inspectImage(image.name);
  const report = {
    image_mb: Number((inspection.Size / MB).toFixed(1)),
    base_with_node_mb: Number((base.Size / MB).toFixed(1)),
    added_by_dockerfile_mb: Number(((inspection.Size - base.Size) / MB).toFixed(1)),
    build_seconds: Number(image.seconds.toFixed(1)),
  };
  console.log(
    `image: ${report.image_mb} MB (${report.added_by_dockerfile_mb} MB over the ${report.base_with_node_mb} MB base with node), built in ${report.build_seconds} s`,
  );
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  writeFileSync(join(ROOT, 'reports', 'image.json'), `${JSON.stringify(report, null, 2)}\n`);
}, 900_000);

afterAll(async () => {
  const failures = await run.cleanup();
  const leftovers = await run.leftovers();
  if (failures.length > 0 || leftovers.length > 0)
    throw new Error(`the image suite left things behind: ${[...failures, ...leftovers].join('; ')}`);
  // Host networking throughout: no bridge, no port mapping, so no iptables rule and no ip_forward change.
  expect(ipForward()).toBe(ipForwardBefore);
}, 120_000);

describe('the image', () => {
  it('starts node itself on the server bundle, as uid 10001, in /app, with the contract environment', () => {
    const { Config } = inspection;
    expect(Config.User).toBe('10001:10001');
    expect(Config.Cmd).toEqual(['node', '/app/server.mjs']);
    expect(Config.Entrypoint ?? []).toEqual([]);
    expect(Config.WorkingDir).toBe('/app');
    expect(Config.Env).toEqual(
      expect.arrayContaining(['NODE_ENV=production', 'PORT=8080', 'DATA_DIR=/data', 'PAGES_DIR=/app/pages']),
    );
    expect(Object.keys(Config.ExposedPorts ?? {})).toEqual(['8080/tcp']);
    expect(Object.keys(Config.Volumes ?? {})).toEqual(['/data']);
  });

  it('holds node, the bundles, migrations, pages and PGlite, and no sources, tests, npm or npm cache', async () => {
    const listing = await podmanOk([
      'run',
      '--rm',
      ...ULIMITS,
      '--network',
      'none',
      '--user',
      '0',
      '--entrypoint',
      'sh',
      image.name,
      '-c',
      [
        'echo "app: $(ls -A /app | tr "\\n" " ")"',
        'echo "packages: $(ls -A /app/node_modules | tr "\\n" " ")"',
        'echo "migrations: $(ls /app/migrations | wc -l)"',
        'echo "pages: $(ls /app/pages | tr "\\n" " ")"',
        'echo "pglite: $(ls /app/node_modules/@electric-sql/pglite/dist/pglite.wasm)"',
        'echo "sources: $(find / -xdev \\( -name "*.ts" -o -name "*.tsx" -o -name "*.test.*" \\) | wc -l)"',
        // The test's build lends npm's cache at /root/.npm: an empty mount point may stay, no file may.
        'echo "npm: $(find /usr/local/lib/node_modules /root/.npm -mindepth 1 2>/dev/null | wc -l) $(command -v npm npx corepack yarn | wc -l)"',
        'echo "node: $(command -v node)"',
      ].join('; '),
    ]);
    expect(listing).toContain(
      'app: bcrypt-worker.mjs bcrypt-worker.mjs.map migrate.mjs migrate.mjs.map migrations node_modules pages server.mjs server.mjs.map',
    );
    expect(listing).toContain('packages: @electric-sql piscina');
    expect(listing).toMatch(/migrations: [1-9]\d*/);
    expect(listing).toContain('pages: account.html assets console.html');
    expect(listing).toContain('pglite: /app/node_modules/@electric-sql/pglite/dist/pglite.wasm');
    expect(listing).toContain('sources: 0');
    expect(listing).toContain('npm: 0 0');
    expect(listing).toContain('node: /usr/local/bin/node');
  });

  it('applies the migrations with node /app/migrate.mjs on a read-only root, then exits 0', async () => {
    const name = run.container('migrate');
    const migrated = await podman([
      'run',
      '--name',
      name,
      ...runArgs(),
      image.name,
      'node',
      '/app/migrate.mjs',
    ]);
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/applied 1, 2, .*; the embedded schema is at version \d+\./);
    await podmanOk(['rm', name]);
  });

  it('serves read-only with the store on the volume: ready, sign-up and login, then stops on SIGTERM with 0', async () => {
    const name = run.container('server');
    const url = await startServer(name);
    expect(await readyStatus(url)).toBe(200);
    const email = `image-${randomUUID().slice(0, 8)}@example.com`;
    const client = createClient(overHttp(url));
    const signUp = await client.call('POST', '/users', { json: { email, name: 'Ada', password: PASSWORD } });
    expect(signUp.status).toBe(201);
    const login = await client.call('POST', '/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(signUp.body.id);
    const page = await fetch(`${url}/account/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');

    // podman stop sends SIGTERM and, after 30 s (Kubernetes' default grace period), SIGKILL (137).
    await podmanOk(['stop', '--time', '30', name], 60_000);
    const exitCode = (await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', name])).trim();
    const logs = await logsOf(name);
    expect(exitCode).toBe('0');
    expect(logs).toContain('"message":"Stopped"');
    expect(logs).not.toContain(PASSWORD);
    await podmanOk(['rm', name]);

    // Started again on the same volume, it knows the user: the store lives in /data, not in the container.
    const again = run.container('again');
    const nextUrl = await startServer(again);
    expect(await readyStatus(nextUrl)).toBe(200);
    const relogin = await createClient(overHttp(nextUrl)).call('POST', '/login', {
      json: { email, password: PASSWORD },
    });
    expect(relogin.status).toBe(200);
    await podmanOk(['stop', '--time', '30', again], 60_000);
    expect((await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', again])).trim()).toBe('0');
  });
});
