// The server: a Deployment whose replicas the HorizontalPodAutoscaler alone sets, the Service in
// front of it, and a PodDisruptionBudget so that a node's drain never takes every replica at once.
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-32';
import type { Construct } from 'constructs';
import { DEFAULT_PORT } from '../server/config';
import { DRAIN_TIMEOUT_MS } from '../server/http-server';
import type { UserApiK8sOptions } from './options';
import { objectLabels, optionalSecretEnv, podLabels, podSpec, resources, storeEnv } from './pod';

export const SERVICE_PORT = 80;
const PORT_NAME = 'http';
/** Beyond the SIGTERM delay and the longest drain: what node needs to close the store and exit. */
const EXIT_MARGIN_SECONDS = 5;

/** SIGTERM → SHUTDOWN_DELAY_SECONDS of 503 on /readyz → at most DRAIN_TIMEOUT_MS of drain → exit, all before SIGKILL. */
export const terminationGracePeriodSeconds = (options: UserApiK8sOptions): number =>
  options.shutdownDelaySeconds + Math.ceil(DRAIN_TIMEOUT_MS / 1000) + EXIT_MARGIN_SECONDS;

/**
 * bcrypt's threads for a CPU limit: its whole cores, at least one (`1` → 1, `2500m` → 2, `500m` → 1).
 * The server's default, one per node core but one, would start a thread for every core of a big node.
 */
export const passwordThreads = (cpuLimit: string): number => {
  const cores = cpuLimit.endsWith('m') ? Number(cpuLimit.slice(0, -1)) / 1000 : Number(cpuLimit);
  return Math.max(1, Math.floor(cores));
};

const probe = (path: string, timing: Omit<k8s.Probe, 'httpGet'>): k8s.Probe => ({
  httpGet: { path, port: k8s.IntOrString.fromString(PORT_NAME) },
  timeoutSeconds: 2,
  ...timing,
});

/** Prefer one replica per node and per zone; never refuse to schedule a replica for it. */
const spread = (labels: Record<string, string>): k8s.TopologySpreadConstraint[] =>
  ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
    topologyKey,
    maxSkew: 1,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: labels },
  }));

export class ServerChart extends Chart {
  constructor(scope: Construct, id: string, options: UserApiK8sOptions) {
    super(scope, id, { namespace: options.namespace, disableResourceNameHashes: true });
    const labels = podLabels(options, 'server');
    const metadata = { name: options.name, labels: objectLabels(options, 'server') };

    const deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata,
      spec: {
        // No `replicas`: the autoscaler owns it, and an apply would otherwise reset it.
        selector: { matchLabels: labels },
        revisionHistoryLimit: 5,
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxUnavailable: k8s.IntOrString.fromNumber(0),
            maxSurge: k8s.IntOrString.fromNumber(1),
          },
        },
        template: {
          metadata: { labels },
          spec: podSpec(
            {
              name: 'server',
              image: options.image,
              // The image's command: node itself, so SIGTERM reaches the server.
              ports: [{ name: PORT_NAME, containerPort: DEFAULT_PORT, protocol: 'TCP' }],
              env: [
                ...storeEnv(options),
                ...optionalSecretEnv(options),
                { name: 'PORT', value: String(DEFAULT_PORT) },
                { name: 'SHUTDOWN_DELAY_SECONDS', value: String(options.shutdownDelaySeconds) },
                // The node's core count is not the pod's: bcrypt gets the cores the limit grants.
                { name: 'PASSWORD_THREADS', value: String(passwordThreads(options.resources.cpuLimit)) },
                ...Object.entries(options.env).map(([name, value]) => ({ name, value })),
              ],
              resources: resources(options),
              // Migrations run before the first listen; up to a minute for them on a fresh database.
              startupProbe: probe('/livez', { periodSeconds: 2, failureThreshold: 30 }),
              readinessProbe: probe('/readyz', { periodSeconds: 5, failureThreshold: 2 }),
              livenessProbe: probe('/livez', { periodSeconds: 10, failureThreshold: 3 }),
            },
            {
              terminationGracePeriodSeconds: terminationGracePeriodSeconds(options),
              topologySpreadConstraints: spread(labels),
            },
          ),
        },
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: [
          {
            name: PORT_NAME,
            port: SERVICE_PORT,
            targetPort: k8s.IntOrString.fromString(PORT_NAME),
            protocol: 'TCP',
          },
        ],
      },
    });

    new k8s.KubeHorizontalPodAutoscalerV2(this, 'autoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: deployment.apiVersion, kind: deployment.kind, name: deployment.name },
        minReplicas: options.minReplicas,
        maxReplicas: options.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: options.targetCpuUtilization },
            },
          },
        ],
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
      metadata,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels } },
    });
  }
}
