// The Kubernetes manifests (k8s/, `npm run k8s`): a snapshot, every object against the API's
// schemas offline, and the promises a cluster's admission policies and a rolling upgrade rely on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { MANIFEST_FILES, userApiK8sApp } from '../../k8s/app';
import { MIGRATE_COMMAND } from '../../k8s/migration-chart';
import { DEFAULT_IMAGE, resolveOptions, type UserApiK8sOptions } from '../../k8s/options';
import { IMAGE_UID } from '../../k8s/pod';
import packageJson from '../../package.json';
import { DEFAULT_PORT } from '../../server/config';
import { DRAIN_TIMEOUT_MS } from '../../server/http-server';

const ROOT = path.join(__dirname, '..', '..');

// Just the fields the assertions read; the schema test checks the rest.
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    containers: Container[];
    initContainers?: Container[];
    securityContext?: Record<string, unknown>;
    automountServiceAccountToken?: boolean;
    volumes?: { name: string; emptyDir?: object }[];
    terminationGracePeriodSeconds?: number;
    topologySpreadConstraints?: {
      topologyKey: string;
      labelSelector: { matchLabels: Record<string, string> };
    }[];
    restartPolicy?: string;
  };
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  // biome-ignore lint/suspicious/noExplicitAny: a manifest's spec differs by kind; each test reads what it needs.
  spec: any;
}

const synth = (given: Partial<UserApiK8sOptions> = {}) => {
  const options = resolveOptions(given);
  // synthYaml writes nothing: the folder is never made.
  const yaml = userApiK8sApp(options, path.join(tmpdir(), 'k8s-never-written')).synthYaml();
  const objects = parseAllDocuments(yaml).map((doc) => doc.toJSON() as K8sObject);
  const find = (kind: string): K8sObject => {
    const found = objects.filter((object) => object.kind === kind);
    if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
    return found[0] as K8sObject;
  };
  return { options, yaml, objects, find };
};

const IMAGE = 'registry.example.com/team/user-api:1.2.3';
const manifests = synth({ image: IMAGE });
const deployment = manifests.find('Deployment');
const job = manifests.find('Job');
const server = (deployment.spec.template as PodTemplate).spec.containers[0] as Container;
const migrate = (job.spec.template as PodTemplate).spec.containers[0] as Container;
const podTemplates: [string, PodTemplate][] = [
  ['Deployment', deployment.spec.template],
  ['Job', job.spec.template],
];

/** kubernetes-models' schemas, through node (they are ESM only): one verdict per object. */
const validate = (objects: readonly object[]) => {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'k8s', 'validate-objects.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: ROOT,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { kind: string; name: string; errors: string | null }[];
};

it('matches the snapshot', () => {
  expect(manifests.yaml).toMatchSnapshot();
});

describe('the Kubernetes schemas', () => {
  it('accept every object, and the objects are exactly the server, its Service, autoscaler, budget and the migration', () => {
    const verdicts = validate(manifests.objects);
    expect(verdicts.map(({ kind, errors }) => `${kind}: ${errors ?? 'valid'}`).sort()).toEqual([
      'Deployment: valid',
      'HorizontalPodAutoscaler: valid',
      'Job: valid',
      'PodDisruptionBudget: valid',
      'Service: valid',
    ]);
    expect(manifests.objects.map((object) => `${object.apiVersion} ${object.kind}`).sort()).toEqual([
      'apps/v1 Deployment',
      'autoscaling/v2 HorizontalPodAutoscaler',
      'batch/v1 Job',
      'policy/v1 PodDisruptionBudget',
      'v1 Service',
    ]);
  });

  it('refuse what the API server would (so the check above can fail)', () => {
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    const [verdict] = validate([broken]);
    expect(verdict?.errors).toContain('containerPort must be integer');
  });

  it('accept the PostgreSQL that the image workflow runs on its kind cluster', () => {
    const postgres = parseAllDocuments(
      readFileSync(path.join(ROOT, '.github', 'kind', 'postgres.yaml'), 'utf8'),
    ).map((doc) => doc.toJSON() as object);
    expect(validate(postgres).map(({ kind, errors }) => `${kind}: ${errors ?? 'valid'}`)).toEqual([
      'Deployment: valid',
      'Service: valid',
    ]);
  });

  it('put every object in the namespace', () => {
    expect(manifests.objects.map((object) => object.metadata.namespace)).toEqual(
      manifests.objects.map(() => 'user-api'),
    );
  });
});

describe.each(podTemplates)('the %s pod', (_kind, template) => {
  const containers = [...template.spec.containers, ...(template.spec.initContainers ?? [])];

  it('runs as the image’s non-root user under RuntimeDefault seccomp', () => {
    expect(template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: IMAGE_UID,
      runAsGroup: IMAGE_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('gives every container a read-only root, no privilege and no capability', () => {
    expect(containers.length).toBeGreaterThan(0);
    for (const container of containers) {
      const { capabilities, seccompProfile, ...flags } = container.securityContext ?? {};
      expect(flags).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: IMAGE_UID,
        runAsNonRoot: true,
        runAsUser: IMAGE_UID,
      });
      expect(capabilities).toEqual({ drop: ['ALL'] });
      expect(seccompProfile).toEqual({ type: 'RuntimeDefault' });
    }
  });

  it('mounts an emptyDir at /tmp, the one writable place', () => {
    for (const container of containers) {
      const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === '/tmp');
      const volume = template.spec.volumes?.find((candidate) => candidate.name === mount?.name);
      expect(volume?.emptyDir).toBeDefined();
    }
  });

  it('carries no service-account token', () => {
    expect(template.spec.automountServiceAccountToken).toBe(false);
  });

  it('asks for and is held to resources', () => {
    for (const container of containers) {
      expect(container.resources).toEqual({
        requests: { cpu: '250m', memory: '256Mi' },
        limits: { cpu: '1', memory: '512Mi' },
      });
    }
  });

  it('reads the store from the Secret by reference, on PostgreSQL', () => {
    for (const container of containers) {
      const env = container.env ?? [];
      expect(env.find((variable) => variable.name === 'STORE')).toEqual({ name: 'STORE', value: 'postgres' });
      for (const name of ['DATABASE_URL', 'KEY_ENCRYPTION_KEY']) {
        expect(env.find((variable) => variable.name === name)).toEqual({
          name,
          valueFrom: { secretKeyRef: { name: 'user-api', key: name } },
        });
      }
    }
  });
});

describe('secrets', () => {
  const SECRET_NAMES = ['DATABASE_URL', 'KEY_ENCRYPTION_KEY', 'SMTP_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'];

  it('are references, never values: no Secret object, no secret variable with a value', () => {
    expect(manifests.objects.some((object) => object.kind === 'Secret')).toBe(false);
    for (const container of [server, migrate]) {
      for (const variable of container.env ?? []) {
        if (SECRET_NAMES.includes(variable.name)) {
          expect(variable.value).toBeUndefined();
          expect(variable.valueFrom?.secretKeyRef).toMatchObject({ name: 'user-api', key: variable.name });
        }
      }
    }
    expect(server.env?.map((variable) => variable.name)).toEqual(expect.arrayContaining(SECRET_NAMES));
  });

  it('cannot be given as plain settings, so none ever lands in the YAML', () => {
    for (const name of SECRET_NAMES) {
      expect(() => synth({ env: { [name]: 'postgres://app:hunter2@db:5432/users' } })).toThrow(
        `${name} comes from the Secret "user-api"`,
      );
    }
    const withSettings = synth({ env: { APP_URL: 'https://users.example.com', TRUST_PROXY_HOPS: '1' } });
    expect(withSettings.yaml).not.toMatch(/postgres:\/\/|hunter2/);
    const env = (withSettings.find('Deployment').spec.template as PodTemplate).spec.containers[0]?.env;
    expect(env).toEqual(
      expect.arrayContaining([
        { name: 'APP_URL', value: 'https://users.example.com' },
        { name: 'TRUST_PROXY_HOPS', value: '1' },
      ]),
    );
  });

  it('come from the Secret the options name', () => {
    const named = synth({ secretName: 'user-api-prod' });
    const refs = named.yaml.match(/secretKeyRef:\n\s+key: \w+\n\s+name: ([\w-]+)/g) ?? [];
    expect(refs.length).toBe(7); // five in the server, two in the Job
    for (const ref of refs) expect(ref).toMatch(/name: user-api-prod$/);
  });
});

describe('the Deployment', () => {
  const portName = server.ports?.[0]?.name;

  it('listens on the server’s port under a name the probes use', () => {
    expect(server.ports).toEqual([{ name: 'http', containerPort: DEFAULT_PORT, protocol: 'TCP' }]);
  });

  it('probes readiness on /readyz, liveness and startup on /livez, on that port', () => {
    expect(server.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: portName });
    expect(server.livenessProbe?.httpGet).toEqual({ path: '/livez', port: portName });
    expect(server.startupProbe?.httpGet).toEqual({ path: '/livez', port: portName });
  });

  it('runs the image’s own command (node, so SIGTERM reaches the server)', () => {
    expect(server.image).toBe(IMAGE);
    expect(server.command).toBeUndefined();
  });

  it('has no replicas: the autoscaler owns them', () => {
    expect(deployment.spec).not.toHaveProperty('replicas');
  });

  it('selects exactly its own pods', () => {
    expect(deployment.spec.selector).toEqual({ matchLabels: deployment.spec.template.metadata.labels });
  });

  it('drains within the grace period: the 503 delay and the longest drain end before SIGKILL', () => {
    const delay = Number(server.env?.find((variable) => variable.name === 'SHUTDOWN_DELAY_SECONDS')?.value);
    expect(delay).toBeGreaterThanOrEqual(5);
    expect(delay + DRAIN_TIMEOUT_MS / 1000).toBeLessThan(
      deployment.spec.template.spec.terminationGracePeriodSeconds,
    );
  });

  it('never takes a serving replica away before its successor is ready', () => {
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
  });

  it('spreads its pods over nodes', () => {
    const constraints = (deployment.spec.template as PodTemplate).spec.topologySpreadConstraints ?? [];
    const overNodes = constraints.find((constraint) => constraint.topologyKey === 'kubernetes.io/hostname');
    expect(overNodes?.labelSelector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
  });
});

describe('the Service, the autoscaler and the disruption budget', () => {
  const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
  const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(selector).every(([key, value]) => labels[key] === value);

  it('the Service sends to the server’s pods, never to the migration’s, on the named port', () => {
    const service = manifests.find('Service');
    expect(matches(service.spec.selector, podLabels)).toBe(true);
    expect(matches(service.spec.selector, job.spec.template.metadata.labels)).toBe(false);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('the autoscaler scales the Deployment by name on CPU, from at least 2 replicas', () => {
    const hpa = manifests.find('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
    expect(hpa.spec.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ]);
  });

  it('the budget covers the server’s pods and lets one go at a time', () => {
    const pdb = manifests.find('PodDisruptionBudget');
    expect(pdb.spec.selector).toEqual({ matchLabels: podLabels });
    expect(pdb.spec.maxUnavailable).toBe(1);
  });
});

describe('the migration Job', () => {
  it('runs migrate on the server’s image, once, without restarting in place', () => {
    expect(migrate.image).toBe(server.image);
    expect(migrate.command).toEqual(MIGRATE_COMMAND);
    expect(MIGRATE_COMMAND).toEqual(['node', '/app/migrate.mjs']);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.metadata.name).toBe('user-api-migrate');
  });
});

describe('options', () => {
  it('default to the package’s name and version for the image, and sane bounds', () => {
    const defaults = synth();
    expect(DEFAULT_IMAGE).toBe(`${packageJson.name}:${packageJson.version}`);
    expect(defaults.find('Deployment').spec.template.spec.containers[0].image).toBe(DEFAULT_IMAGE);
    expect(defaults.find('HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
  });

  it('name every object, the namespace, the resources and the replica bounds', () => {
    const custom = synth({
      name: 'accounts',
      namespace: 'identity',
      minReplicas: 3,
      maxReplicas: 7,
      resources: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '384Mi', memoryLimit: '1Gi' },
    });
    expect(
      custom.objects
        .map((object) => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`)
        .sort(),
    ).toEqual([
      'Deployment identity/accounts',
      'HorizontalPodAutoscaler identity/accounts',
      'Job identity/accounts-migrate',
      'PodDisruptionBudget identity/accounts',
      'Service identity/accounts',
    ]);
    expect(custom.find('HorizontalPodAutoscaler').spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 7,
      scaleTargetRef: { name: 'accounts' },
    });
    expect(custom.find('Deployment').spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '500m', memory: '384Mi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    // bcrypt's threads follow the CPU limit, not the node's cores.
    const env = (synthesized: typeof custom) =>
      synthesized.find('Deployment').spec.template.spec.containers[0].env as {
        name: string;
        value?: string;
      }[];
    expect(env(custom).find((variable) => variable.name === 'PASSWORD_THREADS')?.value).toBe('2');
    expect(env(synth({})).find((variable) => variable.name === 'PASSWORD_THREADS')?.value).toBe('1');
    const half = synth({
      resources: { cpuRequest: '250m', cpuLimit: '500m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
    });
    expect(env(half).find((variable) => variable.name === 'PASSWORD_THREADS')?.value).toBe('1');
    // The Secret follows the name unless it is given.
    expect(custom.yaml).toContain('name: accounts\n');
    expect(custom.yaml).not.toContain('name: user-api');
  });

  it.each([
    [{ minReplicas: 1 }, 'min replicas must be at least 2'],
    [{ minReplicas: 4, maxReplicas: 3 }, 'max replicas must be at least min replicas (4)'],
    [{ image: 'ghcr.io/Some-Owner/user-api:abc' }, 'image must be'],
    [{ name: 'User_API' }, 'name must be a DNS label'],
    [{ namespace: '' }, 'namespace must be a DNS label'],
    [
      { resources: { cpuRequest: 'lots', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi' } },
      'cpuRequest must be',
    ],
    [{ env: { STORE: 'embedded' } }, 'STORE is set by the manifests themselves'],
    [{ env: { PASSWORD_THREADS: '16' } }, 'PASSWORD_THREADS is set by the manifests themselves'],
    [
      { resources: { cpuRequest: '250m', cpuLimit: '1Gi', memoryRequest: '1Gi', memoryLimit: '1Gi' } },
      'cpuLimit must be cores or millicores',
    ],
  ] as [Partial<UserApiK8sOptions>, string][])('refuse %j', (given, message) => {
    expect(() => resolveOptions(given)).toThrow(message);
  });
});

describe('npm run k8s', () => {
  const run = (cwd: string, args: string[], env: Record<string, string>) => {
    const loader = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;
    return spawnSync(process.execPath, ['--import', loader, path.join(ROOT, 'k8s', 'index.ts'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
  };

  it('is the script package.json names', () => {
    expect(packageJson.scripts.k8s).toBe('node --import tsx k8s/index.ts');
  });

  it('writes both charts into dist/k8s/ with the IMAGE given, replacing an earlier run’s files', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'k8s-run-'));
    try {
      const first = run(cwd, [], { IMAGE: 'ghcr.io/acme/user-api:0123abc' });
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const out = path.join(cwd, 'dist', 'k8s');
      const stale = path.join(out, 'old-chart.k8s.yaml');
      writeFileSync(stale, 'kind: Secret\n');
      const second = run(cwd, ['--namespace', 'users', '--min-replicas', '3'], {
        IMAGE: 'ghcr.io/acme/user-api:0123abc',
      });
      expect(second.status).toBe(0);
      expect(existsSync(stale)).toBe(false);
      const serverYaml = readFileSync(path.join(out, MANIFEST_FILES.server), 'utf8');
      const migrateYaml = readFileSync(path.join(out, MANIFEST_FILES.migrate), 'utf8');
      expect(serverYaml).toContain('image: ghcr.io/acme/user-api:0123abc');
      expect(serverYaml).toContain('namespace: users');
      expect(serverYaml).toContain('minReplicas: 3');
      expect(serverYaml).not.toContain('kind: Job');
      expect(migrateYaml).toContain('image: ghcr.io/acme/user-api:0123abc');
      expect(migrateYaml).toContain('kind: Job');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('refuses a wrong option in one line, exit 2, writing nothing', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'k8s-run-'));
    try {
      const result = run(cwd, ['--min-replicas', '1'], {});
      expect(result.status).toBe(2);
      expect(result.stderr.trim()).toMatch(/^npm run k8s: min replicas must be at least 2/);
      expect(existsSync(path.join(cwd, 'dist'))).toBe(false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
