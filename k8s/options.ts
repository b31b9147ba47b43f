// What the Kubernetes manifests are made from: every choice a cluster's owner may change, with the
// defaults `npm run k8s` uses. Checked here once, so a wrong option is a clear error at synthesis
// rather than an object the API server refuses (or, worse, accepts).
import packageJson from '../package.json';

export interface Resources {
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
}

export interface UserApiK8sOptions {
  /** The name of every object (the migration Job adds `-migrate`) and the `app.kubernetes.io/name` label. */
  readonly name: string;
  readonly namespace: string;
  /** The server's image, `name:tag` or `name@sha256:…`; the migration Job runs the same one. */
  readonly image: string;
  /** The Secret holding DATABASE_URL, KEY_ENCRYPTION_KEY and, optionally, SMTP_URL, ADMIN_EMAIL, ADMIN_PASSWORD. */
  readonly secretName: string;
  readonly resources: Resources;
  /** The HorizontalPodAutoscaler's bounds: it alone sets the Deployment's replicas. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU use, in percent of the request, that the autoscaler aims for. */
  readonly targetCpuUtilization: number;
  /** After SIGTERM, how long /readyz says 503 while requests are still served (SHUTDOWN_DELAY_SECONDS). */
  readonly shutdownDelaySeconds: number;
  /** Plain settings for the server (APP_URL, TRUST_PROXY_HOPS, LOG_LEVEL, …); never a secret. */
  readonly env: Readonly<Record<string, string>>;
}

export const DEFAULT_IMAGE = `${packageJson.name}:${packageJson.version}`;

export const DEFAULT_OPTIONS: UserApiK8sOptions = {
  name: packageJson.name,
  namespace: packageJson.name,
  image: DEFAULT_IMAGE,
  secretName: packageJson.name,
  // bcrypt is what a replica spends its CPU on; the heap stays well under 256 MiB on PostgreSQL.
  resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },
  minReplicas: 2,
  maxReplicas: 10,
  targetCpuUtilization: 70,
  // Longer than the server's own default (5 s): endpoint removal reaches every node's proxy in a few seconds.
  shutdownDelaySeconds: 10,
  env: {},
};

/**
 * The server's variables that come from the Secret, by reference: what the store needs (the server
 * and the migration Job), and what the server may go without (mail waits, no admin is made at start).
 */
export const SECRET_VARIABLES = {
  store: ['DATABASE_URL', 'KEY_ENCRYPTION_KEY'],
  optional: ['SMTP_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'],
} as const;
const SECRET_NAMES: readonly string[] = [...SECRET_VARIABLES.store, ...SECRET_VARIABLES.optional];
/** Set by the manifests themselves. */
const FIXED_VARIABLES = ['STORE', 'PORT', 'HOST', 'DATA_DIR', 'SHUTDOWN_DELAY_SECONDS', 'PASSWORD_THREADS'];

export class K8sOptionsError extends Error {}

// RFC 1123 labels: what Kubernetes accepts as a namespace or a Service name. 56 leaves room for `-migrate`.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,54}[a-z0-9])?$/;
const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
// Registries refuse upper case in a repository (a GitHub owner's name often has some); a tag may have it.
const IMAGE = /^[a-z0-9][a-z0-9._/:-]*(:[\w.-]{1,128})?(@sha256:[0-9a-f]{64})?$/;

const check = (ok: boolean, message: string): void => {
  if (!ok) throw new K8sOptionsError(message);
};

/** The defaults overlaid with the given options, checked; a K8sOptionsError names the first wrong one. */
export const resolveOptions = (given: Partial<UserApiK8sOptions> = {}): UserApiK8sOptions => {
  const options = {
    ...DEFAULT_OPTIONS,
    secretName: given.name ?? DEFAULT_OPTIONS.secretName,
    ...given,
    resources: { ...DEFAULT_OPTIONS.resources, ...given.resources },
  };
  check(
    DNS_LABEL.test(options.name),
    `name must be a DNS label of at most 56 characters, got "${options.name}"`,
  );
  check(DNS_LABEL.test(options.namespace), `namespace must be a DNS label, got "${options.namespace}"`);
  check(DNS_LABEL.test(options.secretName), `secret name must be a DNS label, got "${options.secretName}"`);
  check(IMAGE.test(options.image), `image must be name:tag or name@sha256:digest, got "${options.image}"`);
  for (const [key, value] of Object.entries(options.resources))
    check(QUANTITY.test(value), `${key} must be a Kubernetes quantity (250m, 1, 512Mi), got "${value}"`);
  for (const key of ['cpuRequest', 'cpuLimit'] as const)
    check(
      /^\d+(\.\d+)?m?$/.test(options.resources[key]),
      `${key} must be cores or millicores (1, 1.5, 250m), got "${options.resources[key]}"`,
    );
  check(
    Number.isInteger(options.minReplicas) && options.minReplicas >= 2,
    `min replicas must be at least 2 (one node's drain must leave a replica serving), got ${options.minReplicas}`,
  );
  check(
    Number.isInteger(options.maxReplicas) && options.maxReplicas >= options.minReplicas,
    `max replicas must be at least min replicas (${options.minReplicas}), got ${options.maxReplicas}`,
  );
  check(
    Number.isInteger(options.targetCpuUtilization) &&
      options.targetCpuUtilization >= 10 &&
      options.targetCpuUtilization <= 100,
    `target CPU utilization must be a percentage from 10 to 100, got ${options.targetCpuUtilization}`,
  );
  check(
    Number.isInteger(options.shutdownDelaySeconds) &&
      options.shutdownDelaySeconds >= 0 &&
      options.shutdownDelaySeconds <= 120,
    `shutdown delay must be 0 to 120 seconds, got ${options.shutdownDelaySeconds}`,
  );
  for (const name of Object.keys(options.env)) {
    check(
      !SECRET_NAMES.includes(name),
      `${name} comes from the Secret "${options.secretName}", never from a plain setting`,
    );
    check(!FIXED_VARIABLES.includes(name), `${name} is set by the manifests themselves`);
    check(/^[A-Z_][A-Z0-9_]*$/.test(name), `setting names are upper-case variables, got "${name}"`);
  }
  return options;
};
