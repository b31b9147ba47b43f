// Puts one branch's stack into an app, with cdk-nag checking it: shared by bin/ and the infra tests,
// so the tests synthesize exactly what `cdk synth` does.
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackName } from './branch';
import { userApiSettings } from './stack-settings';
import { UserApiStack } from './user-api-stack';

export const addUserApiStack = (app: App, branch: string): UserApiStack => {
  // An unacknowledged finding fails the synth; acknowledgements sit beside the resources they concern.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const name = stackName(branch);
  const settings = userApiSettings((key) => app.node.tryGetContext(key));
  return new UserApiStack(app, name, { stackName: name, branch, settings });
};
