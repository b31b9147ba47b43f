// What the server's pods and the migration Job's pod share: the image's user, a read-only root with
// a writable /tmp, no privilege, no service-account token, and the store's settings from the Secret.
import { k8s } from 'cdk8s-plus-32';
import { SECRET_VARIABLES, type UserApiK8sOptions } from './options';

/** The image's user and group (the Dockerfile's). */
export const IMAGE_UID = 10001;

export type Component = 'server' | 'migrate';

/** The labels of a component's pods; the server's are the Service's, the PDB's and the Deployment's selector. */
export const podLabels = (options: UserApiK8sOptions, component: Component): Record<string, string> => ({
  'app.kubernetes.io/name': options.name,
  'app.kubernetes.io/component': component,
});

export const objectLabels = (options: UserApiK8sOptions, component: Component): Record<string, string> => ({
  ...podLabels(options, component),
  'app.kubernetes.io/part-of': options.name,
  'app.kubernetes.io/managed-by': 'cdk8s',
});

const podSecurityContext: k8s.PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: IMAGE_UID,
  runAsGroup: IMAGE_UID,
  fsGroup: IMAGE_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const containerSecurityContext: k8s.SecurityContext = {
  runAsNonRoot: true,
  runAsUser: IMAGE_UID,
  runAsGroup: IMAGE_UID,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const TMP_VOLUME = 'tmp';

/** A pod spec around one container: the security context, /tmp as an emptyDir, no API token. */
export const podSpec = (
  container: k8s.Container,
  extra: Omit<k8s.PodSpec, 'containers'> = {},
): k8s.PodSpec => ({
  automountServiceAccountToken: false,
  enableServiceLinks: false,
  securityContext: podSecurityContext,
  volumes: [{ name: TMP_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
  ...extra,
  containers: [
    {
      imagePullPolicy: 'IfNotPresent',
      securityContext: containerSecurityContext,
      volumeMounts: [{ name: TMP_VOLUME, mountPath: '/tmp' }],
      ...container,
    },
  ],
});

export const resources = ({ resources: r }: UserApiK8sOptions): k8s.ResourceRequirements => ({
  requests: { cpu: k8s.Quantity.fromString(r.cpuRequest), memory: k8s.Quantity.fromString(r.memoryRequest) },
  limits: { cpu: k8s.Quantity.fromString(r.cpuLimit), memory: k8s.Quantity.fromString(r.memoryLimit) },
});

const fromSecret = (options: UserApiK8sOptions, name: string, optional: boolean): k8s.EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: options.secretName, key: name, ...(optional && { optional }) } },
});

/** STORE=postgres and what it needs, read from the Secret by reference: no value is ever in a manifest. */
export const storeEnv = (options: UserApiK8sOptions): k8s.EnvVar[] => [
  { name: 'STORE', value: 'postgres' },
  ...SECRET_VARIABLES.store.map((name) => fromSecret(options, name, false)),
];

/** The server's optional secrets: a Secret without them still starts it. */
export const optionalSecretEnv = (options: UserApiK8sOptions): k8s.EnvVar[] =>
  SECRET_VARIABLES.optional.map((name) => fromSecret(options, name, true));
