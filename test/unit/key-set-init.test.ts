// The first-key-set custom resource: makes a key set where there is none, never replaces one,
// always answers CloudFormation, and puts no key material in its answer.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type CustomResourceResponse, createKeySetInit } from '../../lambda/key-set-init/create-key-set-init';
import { silentLogger } from '../../lambda/shared/logger';
import type { KeySet } from '../../lambda/tokens/key-set';
import { type KeySetStore, newKeySet } from '../../lambda/tokens/rotation';
import { memoryKeySetStore } from '../../local/signing-keys';

const event = (RequestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent =>
  ({
    RequestType,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/signed',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/UserApi-main/1',
    RequestId: 'request-1',
    LogicalResourceId: 'SigningKeysFirstKeySet',
    ResourceType: 'Custom::SigningKeySet',
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:init',
    PhysicalResourceId: 'signing-keys:arn',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:init',
      KeySetSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keys',
      PublicKeysSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:public',
    },
  }) as unknown as CloudFormationCustomResourceEvent;

const run = async (store: KeySetStore, type: 'Create' | 'Update' | 'Delete') => {
  const answers: CustomResourceResponse[] = [];
  const handler = createKeySetInit({
    storeFor: () => store,
    respond: async (_url, response) => {
      answers.push(response);
    },
    clock: () => new Date('2026-11-30T12:00:00.000Z'),
    logger: silentLogger,
  });
  await handler(event(type));
  return answers;
};

it('makes the first key set on create, and answers SUCCESS with nothing of the keys', async () => {
  const store = memoryKeySetStore();

  const [answer] = await run(store, 'Create');

  const set = (await store.read()) as KeySet;
  expect(set.keys.map((key) => key.state)).toEqual(['current']);
  expect(answer).toMatchObject({ Status: 'SUCCESS', RequestId: 'request-1', NoEcho: true });
  expect(JSON.stringify(answer)).not.toContain(set.keys[0]?.jwk.d);
  expect(JSON.stringify(answer)).not.toContain(set.hmacSecret);
});

it.each(['Create', 'Update'] as const)(
  'keeps an existing key set on %s, and writes it back whole',
  async (type) => {
    const existing = await newKeySet(new Date('2026-01-01T00:00:00.000Z'));
    const writes: KeySet[] = [];
    const store = memoryKeySetStore(existing);
    const watched: KeySetStore = { read: () => store.read(), write: async (set) => void writes.push(set) };

    await run(watched, type);

    expect(writes).toEqual([existing]);
  },
);

it('changes nothing on delete', async () => {
  const store = memoryKeySetStore();

  const [answer] = await run(store, 'Delete');

  expect(await store.read()).toBeUndefined();
  expect(answer?.Status).toBe('SUCCESS');
});

it('answers FAILED with the error message when the secrets cannot be written, instead of leaving CloudFormation waiting', async () => {
  const store: KeySetStore = {
    read: async () => undefined,
    write: async () => {
      throw new Error('AccessDenied: not allowed to PutSecretValue');
    },
  };

  const [answer] = await run(store, 'Create');

  expect(answer).toMatchObject({ Status: 'FAILED', Reason: 'AccessDenied: not allowed to PutSecretValue' });
});
