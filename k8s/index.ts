// `npm run k8s [-- options]`: writes the Kubernetes manifests into dist/k8s/ (README, "Run it on
// Kubernetes"). The image comes from IMAGE (default: this package's name and version); the rest
// from the options below. The only module of k8s/ that reads process.env.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseOptions, UsageError } from '../scripts/cli';
import { MANIFEST_FILES, userApiK8sApp } from './app';
import { DEFAULT_OPTIONS, K8sOptionsError, resolveOptions, type UserApiK8sOptions } from './options';

const USAGE = `Usage: [IMAGE=registry/user-api:tag] npm run k8s [-- options]
  --out DIR              where the manifests go (dist/k8s)
  --name NAME            every object's name (${DEFAULT_OPTIONS.name})
  --namespace NAME       (${DEFAULT_OPTIONS.namespace})
  --secret NAME          the Secret with DATABASE_URL, KEY_ENCRYPTION_KEY, … (the name)
  --min-replicas N       the autoscaler's floor (${DEFAULT_OPTIONS.minReplicas}, at least 2)
  --max-replicas N       its ceiling (${DEFAULT_OPTIONS.maxReplicas})
  --cpu-request Q        --cpu-limit Q  --memory-request Q  --memory-limit Q  (${Object.values(DEFAULT_OPTIONS.resources).join(', ')})
  --env NAME=VALUE       a plain server setting (APP_URL, TRUST_PROXY_HOPS, …), repeatable`;

const integer = (flag: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} must be a whole number, got "${raw}"`);
  return Number(raw);
};

const main = () => {
  const { values } = parseOptions({
    options: {
      out: { type: 'string', default: join('dist', 'k8s') },
      name: { type: 'string' },
      namespace: { type: 'string' },
      secret: { type: 'string' },
      'min-replicas': { type: 'string' },
      'max-replicas': { type: 'string' },
      'cpu-request': { type: 'string' },
      'cpu-limit': { type: 'string' },
      'memory-request': { type: 'string' },
      'memory-limit': { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const env: Record<string, string> = {};
  for (const pair of values.env) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError('--env takes NAME=VALUE');
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const given: { -readonly [K in keyof UserApiK8sOptions]?: UserApiK8sOptions[K] } = { env };
  const image = process.env.IMAGE;
  if (image) given.image = image;
  if (values.name) given.name = values.name;
  if (values.namespace) given.namespace = values.namespace;
  if (values.secret) given.secretName = values.secret;
  const minReplicas = integer('--min-replicas', values['min-replicas']);
  if (minReplicas !== undefined) given.minReplicas = minReplicas;
  const maxReplicas = integer('--max-replicas', values['max-replicas']);
  if (maxReplicas !== undefined) given.maxReplicas = maxReplicas;
  given.resources = {
    cpuRequest: values['cpu-request'] ?? DEFAULT_OPTIONS.resources.cpuRequest,
    cpuLimit: values['cpu-limit'] ?? DEFAULT_OPTIONS.resources.cpuLimit,
    memoryRequest: values['memory-request'] ?? DEFAULT_OPTIONS.resources.memoryRequest,
    memoryLimit: values['memory-limit'] ?? DEFAULT_OPTIONS.resources.memoryLimit,
  };
  const options = resolveOptions(given);

  const outdir = resolve(values.out);
  // Only what an earlier run wrote: a manifest of a chart since renamed must not linger and be applied.
  mkdirSync(outdir, { recursive: true });
  for (const file of readdirSync(outdir)) if (file.endsWith('.k8s.yaml')) rmSync(join(outdir, file));
  userApiK8sApp(options, outdir).synth();
  console.log(
    `npm run k8s: wrote ${Object.values(MANIFEST_FILES)
      .map((file) => join(values.out, file))
      .join(' and ')} (image ${options.image}, namespace ${options.namespace}).`,
  );
};

try {
  main();
} catch (error) {
  if (error instanceof UsageError || error instanceof K8sOptionsError) {
    console.error(`npm run k8s: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
