// Podman for the image suite (test/image): the Dockerfile built on a base made here, with no
// registry (Debian's packages by mmdebstrap, plus this machine's node and npm), and run as a
// container runtime would. Everything it makes carries one run's name and is removed at the end.
// Podman here: runc (crun cannot run on this cgroup v1 host), explicit rlimits (the defaults are
// refused without CAP_SYS_RESOURCE), and the host's network for builds and runs, so that no
// network, bridge or iptables rule is made at all.
import { execFile, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** The Debian root filesystem, kept between runs on this machine only (.local/ is ignored by git). */
const ROOTFS = join(ROOT, '.local', 'image', 'bookworm-minbase.tar');
/** Where a system trusts its certificate authorities: npm in the build stage trusts the same. */
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export const ULIMITS = ['--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096'];

export const hasPodman = (): boolean => spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0;

export interface PodmanResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One podman command; never throws (the caller asserts on the code). */
export const podman = (args: readonly string[], timeoutMs = 600_000): Promise<PodmanResult> =>
  new Promise((resolve) => {
    execFile(
      'podman',
      ['--runtime', 'runc', ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        // Podman 4.3 warns about Debian's unused CNI configuration on every command.
        const noise = /^time=.*level=warning msg="Error validating CNI config file.*$/gm;
        resolve({ code, stdout, stderr: stderr.replace(noise, '').trim() });
      },
    );
  });

/** The command's standard output; a non-zero exit throws with what podman said. */
export const podmanOk = async (args: readonly string[], timeoutMs?: number): Promise<string> => {
  const result = await podman(args, timeoutMs);
  if (result.code !== 0)
    throw new Error(`podman ${args.join(' ')} exited ${result.code}: ${result.stderr.slice(-2000)}`);
  return result.stdout;
};

/** The names one run makes, so that cleanup removes exactly these, even after a failure. */
export class PodmanRun {
  readonly id = `user-api-test-${process.pid}-${Date.now().toString(36)}`;
  private readonly containers = new Set<string>();
  private readonly volumes = new Set<string>();
  /** Newest first: an image goes before the image it was built on. */
  private readonly images: string[] = [];

  container(role: string): string {
    const name = `${this.id}-${role}`;
    this.containers.add(name);
    return name;
  }

  volume(role: string): string {
    const name = `${this.id}-${role}`;
    this.volumes.add(name);
    return name;
  }

  image(role: string): string {
    const name = `localhost/${this.id}-${role}:test`;
    this.images.unshift(name);
    return name;
  }

  /** Removes every container, volume and image of this run that exists; returns what failed. */
  async cleanup(): Promise<string[]> {
    const failures: string[] = [];
    const remove = async (args: string[]) => {
      const result = await podman(args);
      if (result.code !== 0 && !/no such|not found|not known/i.test(result.stderr))
        failures.push(`podman ${args.join(' ')}: ${result.stderr}`);
    };
    for (const name of this.containers) await remove(['rm', '--force', '--time', '0', name]);
    for (const name of this.volumes) await remove(['volume', 'rm', '--force', name]);
    for (const name of this.images) await remove(['rmi', '--force', name]);
    return failures;
  }

  /** What podman still holds under this run's name (nothing, after cleanup). */
  async leftovers(): Promise<string[]> {
    const list = async (args: string[]) =>
      (await podmanOk(args))
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.includes(this.id));
    return [
      ...(await list(['ps', '--all', '--format', '{{.Names}}'])),
      ...(await list(['volume', 'ls', '--format', '{{.Name}}'])),
      ...(await list(['images', '--all', '--format', '{{.Repository}}:{{.Tag}}'])),
    ];
  }
}

const run = (command: string, args: readonly string[]): void => {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr?.slice(-2000)}`);
};

/** Debian bookworm's minimal root filesystem: made once by mmdebstrap (~15–30 s), then reused. */
const debianRootfs = (): string => {
  if (!existsSync(ROOTFS)) {
    mkdirSync(dirname(ROOTFS), { recursive: true });
    const partial = `${ROOTFS}.${process.pid}.part`;
    try {
      run('mmdebstrap', ['--quiet', '--format=tar', '--variant=minbase', 'bookworm', partial]);
      renameSync(partial, ROOTFS);
    } finally {
      rmSync(partial, { force: true });
    }
  }
  return ROOTFS;
};

/** The folder npm installs itself in on this machine (what `npm` runs). */
const npmPackageDir = (): string => {
  const npmCli = spawnSync('npm', ['root', '--global'], { encoding: 'utf8' });
  const dir = join(npmCli.stdout.trim(), 'npm');
  if (npmCli.status !== 0 || !existsSync(join(dir, 'bin', 'npm-cli.js')))
    throw new Error(`npm's own folder was not found (npm root --global: ${npmCli.stdout} ${npmCli.stderr})`);
  return dir;
};

/**
 * A stand-in for the official Node slim image, laid out like it (node, npm and npx in /usr/local):
 * Debian's minimal base plus this machine's node and npm, and its certificate authorities, which
 * npm in the build stage needs to reach the registry through whatever this machine trusts.
 */
export const buildTestBaseImage = async (run: PodmanRun): Promise<string> => {
  const debian = run.image('debian');
  await podmanOk(['import', '--quiet', '--change', 'CMD ["/bin/bash"]', debianRootfs(), debian]);
  const context = mkdtempSync(join(tmpdir(), 'user-api-base-'));
  try {
    copyFileSync(process.execPath, join(context, 'node'));
    cpSync(npmPackageDir(), join(context, 'npm'), { recursive: true });
    const trust = existsSync(CA_BUNDLE);
    if (trust) copyFileSync(CA_BUNDLE, join(context, 'ca-certificates.crt'));
    writeFileSync(
      join(context, 'Containerfile'),
      [
        `FROM ${debian}`,
        'COPY node /usr/local/bin/node',
        'COPY npm /usr/local/lib/node_modules/npm',
        ...(trust ? [`COPY ca-certificates.crt ${CA_BUNDLE}`, `ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`] : []),
        'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\',
        ' && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx',
        '',
      ].join('\n'),
    );
    const base = run.image('node');
    await podmanOk([
      'build',
      '--quiet',
      '--layers=false',
      '--network',
      'host',
      ...ULIMITS,
      '-t',
      base,
      context,
    ]);
    return base;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
};

/** npm's cache on this machine, lent to the build stage so that `npm ci` finds what it can there. */
export const npmCacheDir = (): string | undefined => {
  const dir = process.env.npm_config_cache ?? join(process.env.HOME ?? '/root', '.npm');
  return existsSync(dir) ? dir : undefined;
};

export interface BuiltImage {
  readonly name: string;
  readonly seconds: number;
  readonly log: string;
}

/** The repository's Dockerfile, built on `baseImage`. */
export const buildImage = async (run: PodmanRun, baseImage: string): Promise<BuiltImage> => {
  const name = run.image('server');
  const cache = npmCacheDir();
  const started = Date.now();
  const log = await podmanOk([
    'build',
    '--layers=false',
    '--network',
    'host',
    ...ULIMITS,
    '--build-arg',
    `BASE_IMAGE=${baseImage}`,
    ...(cache ? ['--volume', `${cache}:/root/.npm`] : []),
    '-t',
    name,
    ROOT,
  ]);
  return { name, seconds: (Date.now() - started) / 1000, log };
};

/** The image's configuration, as `podman image inspect` shows it. */
export interface ImageInspection {
  readonly Size: number;
  readonly Config: {
    readonly User?: string;
    readonly Cmd?: string[];
    readonly Entrypoint?: string[] | null;
    readonly Env?: string[];
    readonly WorkingDir?: string;
    readonly ExposedPorts?: Record<string, unknown>;
    readonly Volumes?: Record<string, unknown>;
  };
}

export const inspectImage = async (name: string): Promise<ImageInspection> => {
  const [inspection] = JSON.parse(await podmanOk(['image', 'inspect', name])) as ImageInspection[];
  if (!inspection) throw new Error(`podman image inspect ${name} returned nothing`);
  return inspection;
};
