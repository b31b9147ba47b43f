// Puts one branch's stack into an app, with cdk-nag and Control Tower's proactive controls checking
// it: shared by bin/ and the infra tests, so the tests synthesize exactly what `cdk synth` does.
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackName } from './branch';
import { addControlTowerChecks } from './control-tower';
import { userApiSettings } from './stack-settings';
import { UserApiStack } from './user-api-stack';

export const addUserApiStack = (app: App, branch: string): UserApiStack => {
  const settings = userApiSettings((key) => app.node.tryGetContext(key), branch);
  // An unacknowledged finding fails the synth; acknowledgements sit beside the resources they concern,
  // disabled Control Tower rules in lib/control-tower.ts.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  addControlTowerChecks(app, settings);
  const name = stackName(branch);
  return new UserApiStack(app, name, { stackName: name, branch, settings });
};
