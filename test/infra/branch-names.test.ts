// Any branch name git allows synthesizes a deployable stack: a valid, unique stack name, valid tag
// values, and no cdk-nag or Control Tower finding (both run in every synth). These are the names
// the deploy workflow will meet.
import { AwsSolutionsChecks } from 'cdk-nag';
import { synthUserApi } from './synth';

const ODD_BRANCHES = [
  'release/1.2',
  'UPPER_case',
  'ü-branch',
  'dependabot/npm_and_yarn/aws-cdk-lib-2.276.0',
  'feature/emoji-🚀',
  "it's-a-quote&amp",
  'x'.repeat(200),
];

// CloudFormation: a letter, then letters, digits and hyphens, 128 characters at most.
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
// Tag values: letters, digits, spaces and _.:/=+-@, 256 characters at most.
const TAG_VALUE = /^[\p{L}\p{N}\s_.:/=+\-@]{0,256}$/u;

const synthesized = ODD_BRANCHES.map((branch) => ({ branch, ...synthUserApi(branch) }));

describe.each(synthesized)('branch $branch', ({ branch, stack, template }) => {
  it('gets a valid CloudFormation stack name', () => {
    expect(stack.stackName).toMatch(STACK_NAME);
    expect(stack.stackName.startsWith('UserApi-')).toBe(true);
  });

  it('tags every taggable resource with a valid branch value', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const tags = (table?.Properties.Tags ?? []) as { Key: string; Value: string }[];
    const tag = tags.find((t) => t.Key === 'branch');
    expect(tag?.Value).toMatch(TAG_VALUE);
    expect(tag?.Value.length).toBeGreaterThan(0);
    if (/^[\p{L}\p{N}_.:/=+\-@]+$/u.test(branch) && branch.length <= 256) expect(tag?.Value).toBe(branch);
  });

  it('has a stack description CloudFormation accepts', () => {
    expect(stack.templateOptions.description?.length).toBeLessThanOrEqual(1024);
  });

  it('names its alarm topic within the 100 characters SNS allows', () => {
    const [topic] = Object.values(template.findResources('AWS::SNS::Topic'));
    expect(topic?.Properties.DisplayName.length).toBeLessThanOrEqual(100);
  });

  it('passes cdk-nag', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

it('gives every branch a stack of its own', () => {
  const names = synthesized.map(({ stack }) => stack.stackName);
  expect(new Set(names).size).toBe(names.length);
});
