// The migration as a Job on the server's image: it applies the SQL schema and exits. Run it (and
// wait for it) before an upgrade's Deployment; the server would apply them at start too, under the
// same lock, so running both is safe. A Job's pod template cannot change, so an upgrade deletes the
// finished Job before applying the new one (README, "Run it on Kubernetes").
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-32';
import type { Construct } from 'constructs';
import type { UserApiK8sOptions } from './options';
import { objectLabels, podLabels, podSpec, resources, storeEnv } from './pod';

export const MIGRATE_COMMAND = ['node', '/app/migrate.mjs'];

export const migrationJobName = (options: UserApiK8sOptions): string => `${options.name}-migrate`;

export class MigrationChart extends Chart {
  constructor(scope: Construct, id: string, options: UserApiK8sOptions) {
    super(scope, id, { namespace: options.namespace, disableResourceNameHashes: true });
    new k8s.KubeJob(this, 'job', {
      metadata: { name: migrationJobName(options), labels: objectLabels(options, 'migrate') },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels: podLabels(options, 'migrate') },
          spec: podSpec(
            {
              name: 'migrate',
              image: options.image,
              command: MIGRATE_COMMAND,
              env: storeEnv(options),
              resources: resources(options),
            },
            { restartPolicy: 'Never' },
          ),
        },
      },
    });
  }
}
