// Synthesizes a branch's stack the way `cdk synth` does (cdk.json context, cdk-nag registered),
// minus the esbuild bundling, which the template does not depend on beyond masked asset hashes.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addUserApiStack } from '../../lib/user-api-app';
import type { UserApiStack } from '../../lib/user-api-stack';

export const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
};

export interface Synthesized {
  readonly app: App;
  readonly stack: UserApiStack;
  readonly template: Template;
}

/** `context` is what `-c key=value` adds on the command line (e.g. corsOrigins, alarmEmail). */
export const synthUserApi = (branch: string, context: Record<string, unknown> = {}): Synthesized => {
  const app = new App({ context: { ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = addUserApiStack(app, branch);
  return { app, stack, template: Template.fromStack(stack) };
};

const ASSET_HASH = /[0-9a-f]{64}/;
const ASSET_HASHES = new RegExp(ASSET_HASH.source, 'g');

/** Masks asset hashes, so snapshots change with the infrastructure and not with every code edit. */
export const assetHashSerializer: jest.SnapshotSerializerPlugin = {
  test: (value: unknown) => typeof value === 'string' && ASSET_HASH.test(value),
  serialize: (value: string) => JSON.stringify(value.replace(ASSET_HASHES, '[ASSET HASH]')),
};
