// The one-time CDK app for the GitHub deploy role (lib/deploy-role-stack.ts), separate from the
// per-branch app so `cdk deploy` of a branch can never touch it:
//   npx cdk deploy --app "npx tsx bin/deploy-role.ts" -c githubRepository=OWNER/NAME
import { App } from 'aws-cdk-lib';
import { addDeployRoleStack } from '../lib/deploy-role-stack';

addDeployRoleStack(new App());
