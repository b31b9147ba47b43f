// The cdk8s app: the server's chart and the migration's, each written to its own file so that an
// upgrade can run the migration first. No process.env here (k8s/index.ts reads it).
import { App, YamlOutputType } from 'cdk8s';
import { MigrationChart } from './migration-chart';
import type { UserApiK8sOptions } from './options';
import { ServerChart } from './server-chart';

/** The files `npm run k8s` writes, by chart. */
export const MANIFEST_FILES = { server: 'server.k8s.yaml', migrate: 'migrate.k8s.yaml' } as const;

export const userApiK8sApp = (options: UserApiK8sOptions, outdir: string): App => {
  const app = new App({
    outdir,
    outputFileExtension: '.k8s.yaml',
    yamlOutputType: YamlOutputType.FILE_PER_CHART,
    recordConstructMetadata: false,
  });
  new MigrationChart(app, 'migrate', options);
  new ServerChart(app, 'server', options);
  return app;
};
