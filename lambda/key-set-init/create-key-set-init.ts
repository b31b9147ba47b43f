// The stack's first-key-set custom resource. CloudFormation can generate a random string but not
// an EC key, so the stack creates both secrets with a placeholder and this handler, run by
// CloudFormation during `cdk deploy`, puts the first key set in them. It never replaces a key set
// that exists (a retry, an update, a redeploy keep the keys); it re-publishes its public keys, so
// the two secrets agree even after a half-finished write. Deleting the resource deletes nothing.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { KeySetStore } from '../tokens/rotation';
import { newKeySet } from '../tokens/rotation';

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho: true;
}

export interface KeySetInitDependencies {
  /** The store of the secrets a request names (ResourceProperties). */
  readonly storeFor: (properties: { KeySetSecretArn: string; PublicKeysSecretArn: string }) => KeySetStore;
  /** Sends CloudFormation the outcome (a PUT to the pre-signed ResponseURL). */
  readonly respond: (url: string, response: CustomResourceResponse) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
}

export const createKeySetInit =
  ({ storeFor, respond, clock, logger }: KeySetInitDependencies) =>
  async (event: CloudFormationCustomResourceEvent): Promise<void> => {
    const properties = event.ResourceProperties as unknown as {
      KeySetSecretArn: string;
      PublicKeysSecretArn: string;
    };
    const physicalId = `signing-keys:${properties.KeySetSecretArn}`;
    let outcome: Pick<CustomResourceResponse, 'Status' | 'Reason'> = { Status: 'SUCCESS' };
    try {
      if (event.RequestType !== 'Delete') {
        const store = storeFor(properties);
        const existing = await store.read();
        await store.write(existing ?? (await newKeySet(clock())));
        logger.info(existing ? 'Key set kept, public keys re-published' : 'First key set made');
      }
    } catch (error) {
      // The reason shows in CloudFormation's events: the error's message only, never a value.
      logger.error('Key set initialisation failed', { error });
      outcome = { Status: 'FAILED', Reason: error instanceof Error ? error.message : 'unknown error' };
    }
    // Without an answer CloudFormation would wait an hour: always answer.
    await respond(event.ResponseURL, {
      ...outcome,
      PhysicalResourceId: physicalId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: true,
    });
  };
