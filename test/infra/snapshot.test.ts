// Whole-template snapshots: any change to the infrastructure shows up in review as a diff.
import { assetHashSerializer, synthUserApi } from './synth';

expect.addSnapshotSerializer(assetHashSerializer);

const feature = synthUserApi('feature/Foo_bar-1');
const main = synthUserApi('main');
const mainWithCustomerKey = synthUserApi('main', { kmsKey: 'customer' });

describe('UserApi template', () => {
  it('matches the snapshot for a feature branch', () => {
    expect(feature.template.toJSON()).toMatchSnapshot();
  });

  it('matches the snapshot for main', () => {
    expect(main.template.toJSON()).toMatchSnapshot();
  });

  it('matches the snapshot for main with the customer-managed key', () => {
    expect(mainWithCustomerKey.template.toJSON()).toMatchSnapshot();
  });

  it('keeps the users table as it is (table-scoped snapshot)', () => {
    expect(main.template.findResources('AWS::DynamoDB::Table')).toMatchSnapshot();
  });
});
