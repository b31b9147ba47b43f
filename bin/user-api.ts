// The CDK app: one UserApi-<slug> stack per git branch (see lib/branch.ts for the slug).
import { execFileSync } from 'node:child_process';
import { App } from 'aws-cdk-lib';
import { resolveBranch } from '../lib/branch';
import { addUserApiStack } from '../lib/user-api-app';

const gitBranch = (): string | undefined => {
  try {
    const name = execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    // A detached HEAD (as in many CI checkouts) has no branch name.
    return name === 'HEAD' ? undefined : name;
  } catch {
    return undefined;
  }
};

const app = new App();
addUserApiStack(
  app,
  resolveBranch({ context: app.node.tryGetContext('branch'), env: process.env.BRANCH, git: gitBranch }),
);
