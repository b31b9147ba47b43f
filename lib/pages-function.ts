// The pages function: serves the account pages (the page routes of lambda/routes.ts) from files
// built ahead of time, so the router's bundle and cold start carry none of it. Bundled like every
// API function; after esbuild, pages/build.ts writes the built files beside the bundle, where
// lambda/pages/index.ts reads them once per cold start.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { ApiFunction } from './api-function';

export interface PagesFunctionProps {
  readonly entry: string;
  /** The product name and accent colour the pages show (PRODUCT_NAME, ACCENT_COLOR). */
  readonly productName: string;
  readonly accentColor: string;
  readonly removalPolicy: RemovalPolicy;
}

/** Runs the pages' build into the bundle's folder, from the project root. */
export const PAGES_BUILD_HOOKS: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => [
    `cd "${inputDir}" && node --import tsx pages/build.ts --out "${outputDir}/pages"`,
  ],
};

export class PagesFunction extends Construct {
  readonly api: ApiFunction;

  constructor(scope: Construct, id: string, props: PagesFunctionProps) {
    super(scope, id);
    this.api = new ApiFunction(this, 'Function', {
      entry: props.entry,
      description: 'User API pages: serves the account pages',
      // Static files from memory: no bcrypt, no database, no secret.
      memorySize: 256,
      timeout: Duration.seconds(5),
      secrets: {},
      environment: { PRODUCT_NAME: props.productName, ACCENT_COLOR: props.accentColor },
      removalPolicy: props.removalPolicy,
      commandHooks: PAGES_BUILD_HOOKS,
    });
  }
}
