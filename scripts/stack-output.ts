// One output of a branch's stack (ApiUrl, TableName), found by the stack name lib/branch.ts gives
// the branch, so no shell script re-implements the slug rules. Reads the file that
// `cdk deploy --outputs-file` writes, or asks CloudFormation.
//   npx tsx scripts/stack-output.ts --branch NAME --key ApiUrl [--outputs-file cdk-outputs.json]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { stackName } from '../lib/branch';

export class StackOutputError extends Error {}

export interface StackOutputQuery {
  readonly branch: string;
  /** The CfnOutput id: `ApiUrl` or `TableName`. */
  readonly key: string;
  /** A `cdk deploy --outputs-file` file; without it, CloudFormation is asked. */
  readonly outputsFile?: string | undefined;
}

const fromOutputsFile = (file: string, stack: string, key: string): string | undefined => {
  let outputs: Record<string, Record<string, string>>;
  try {
    outputs = JSON.parse(readFileSync(file, 'utf8')) as typeof outputs;
  } catch (error) {
    throw new StackOutputError(`Cannot read ${file}: ${error instanceof Error ? error.message : error}`);
  }
  if (!outputs[stack]) {
    throw new StackOutputError(
      `${file} has no stack ${stack} (it has: ${Object.keys(outputs).join(', ') || 'none'}).`,
    );
  }
  return outputs[stack]?.[key];
};

const fromCloudFormation = async (stack: string, key: string): Promise<string | undefined> => {
  const client = new CloudFormationClient({});
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stack }));
    return Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === key)?.OutputValue;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/region is missing/i.test(message)) {
      throw new StackOutputError(
        'No AWS region: set AWS_REGION (or a profile with a region) to look up the stack.',
      );
    }
    if (/does not exist/.test(message)) {
      throw new StackOutputError(
        `Stack ${stack} does not exist in this account and region: deploy the branch first, or check AWS_REGION.`,
      );
    }
    throw new StackOutputError(`Cannot describe stack ${stack}: ${message}`);
  } finally {
    client.destroy();
  }
};

export const stackOutput = async ({ branch, key, outputsFile }: StackOutputQuery): Promise<string> => {
  const stack = stackName(branch);
  const value = outputsFile ? fromOutputsFile(outputsFile, stack, key) : await fromCloudFormation(stack, key);
  if (!value) throw new StackOutputError(`Stack ${stack} has no output ${key}.`);
  return value;
};

const main = async (): Promise<void> => {
  // The SDK's notice about Node 22 for its future releases; this project pins its SDK version.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      branch: { type: 'string' },
      key: { type: 'string' },
      'outputs-file': { type: 'string' },
    },
  });
  if (values.branch === undefined || !values.key) {
    console.error('usage: stack-output --branch NAME --key OUTPUT [--outputs-file FILE]');
    process.exit(2);
  }
  console.log(
    await stackOutput({ branch: values.branch, key: values.key, outputsFile: values['outputs-file'] }),
  );
};

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`stack-output: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
