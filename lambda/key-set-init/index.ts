// First-key-set custom resource entry, its composition root (see create-key-set-init.ts).
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock } from '../shared/clock';
import { createLogger } from '../shared/logger';
import { secretsManagerKeySetStore } from '../tokens/secrets-manager-store';
import { createKeySetInit } from './create-key-set-init';

const client = new SecretsManagerClient({});

export const handler = createKeySetInit({
  storeFor: ({ KeySetSecretArn, PublicKeysSecretArn }) =>
    secretsManagerKeySetStore(client, {
      keySetSecretId: KeySetSecretArn,
      publicKeysSecretId: PublicKeysSecretArn,
    }),
  respond: async (url, response) => {
    const body = JSON.stringify(response);
    // The pre-signed URL is signed without a content type: send none.
    const answer = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
    if (!answer.ok) throw new Error(`CloudFormation's response URL answered ${answer.status}`);
  },
  clock: systemClock,
  logger: createLogger({ level: process.env.LOG_LEVEL ?? 'info' }),
});
