// Warm instances on demand: `-c warmRouters=N -c warmAuthorizers=N` put a `live` alias with N
// provisioned instances in front of each function and have the HTTP API invoke it; 0 changes nothing.
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synthUserApi } from './synth';

// Each synth runs cdk-nag and the Control Tower rules through the app's validation plugins: a
// finding would have thrown here.
const cold = synthUserApi('main');
const explicitZero = synthUserApi('main', { warmRouters: '0', warmAuthorizers: 0 });
const warm = synthUserApi('main', { warmRouters: '3', warmAuthorizers: '2' });

const logicalIdOf = (template: typeof warm.template, type: string, description: RegExp): string => {
  const [id] = Object.entries(template.findResources(type)).find(([, resource]) =>
    description.test(String(resource.Properties?.Description ?? '')),
  ) ?? [''];
  return id;
};

describe('with no warm instances (the default)', () => {
  it('has no alias, no version, and the same template as warmRouters=0 warmAuthorizers=0', () => {
    cold.template.resourceCountIs('AWS::Lambda::Alias', 0);
    cold.template.resourceCountIs('AWS::Lambda::Version', 0);
    expect(explicitZero.template.toJSON()).toEqual(cold.template.toJSON());
  });
});

describe('with warmRouters=3 and warmAuthorizers=2', () => {
  const routerId = logicalIdOf(warm.template, 'AWS::Lambda::Function', /router/);
  const authorizerId = logicalIdOf(warm.template, 'AWS::Lambda::Function', /authorizer/);

  it('gives each function a live alias with that many provisioned instances', () => {
    warm.template.resourceCountIs('AWS::Lambda::Alias', 2);
    for (const [id, instances] of [
      [routerId, 3],
      [authorizerId, 2],
    ] as const) {
      warm.template.hasResourceProperties('AWS::Lambda::Alias', {
        Name: 'live',
        FunctionName: { Ref: id },
        ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: instances },
      });
    }
  });

  it('integrates the routes and the authorizer with the aliases, not the unqualified functions', () => {
    const aliases = Object.entries(warm.template.findResources('AWS::Lambda::Alias'));
    const aliasOf = (functionId: string) =>
      aliases.find(([, alias]) => alias.Properties.FunctionName.Ref === functionId)?.[0] ?? '';
    const integrations = warm.template.findResources('AWS::ApiGatewayV2::Integration');
    expect(Object.keys(integrations).length).toBeGreaterThan(0);
    expect(JSON.stringify(integrations)).toContain(aliasOf(routerId));
    expect(JSON.stringify(integrations)).not.toContain(`"${routerId}"`);
    const authorizers = warm.template.findResources('AWS::ApiGatewayV2::Authorizer');
    expect(JSON.stringify(authorizers)).toContain(aliasOf(authorizerId));
    expect(JSON.stringify(authorizers)).not.toContain(`"${authorizerId}"`);
    warm.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { Ref: aliasOf(routerId) },
      Principal: 'apigateway.amazonaws.com',
      SourceArn: Match.anyValue(),
    });
  });

  it('stays clean under cdk-nag', () => {
    expect(new AwsSolutionsChecks().validateScope(warm.stack).violations).toEqual([]);
  });

  it('refuses more warm routers than the router may run at once', () => {
    expect(() => synthUserApi('main', { warmRouters: '30', routerReservedConcurrency: '25' })).toThrow(
      /warmRouters: 30 warm instances exceed the router's reserved concurrency of 25/,
    );
  });
});
