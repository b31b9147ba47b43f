// The deployed key set: two Secrets Manager secrets. The key-set secret (private keys; only the
// router's role may read it) and the public-keys secret (the JWKS; the authorizer's role reads
// it). Written by the first-key-set custom resource and `npm run rotate-signing-key` only.
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { isPlaceholder, parseKeySet, publishedKeys } from './key-set';
import type { KeySetStore } from './rotation';

export interface KeySetSecrets {
  readonly keySetSecretId: string;
  readonly publicKeysSecretId: string;
}

export const secretsManagerKeySetStore = (
  client: SecretsManagerClient,
  { keySetSecretId, publicKeysSecretId }: KeySetSecrets,
): KeySetStore => ({
  async read() {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: keySetSecretId }));
    // The stack's generated placeholder: no key set has been made yet.
    if (SecretString === undefined || isPlaceholder(SecretString)) return undefined;
    return parseKeySet(SecretString);
  },
  async write(set) {
    // Public keys first: a key must be verifiable everywhere before any router can sign with it.
    await client.send(
      new PutSecretValueCommand({
        SecretId: publicKeysSecretId,
        SecretString: JSON.stringify(publishedKeys(set)),
      }),
    );
    await client.send(
      new PutSecretValueCommand({ SecretId: keySetSecretId, SecretString: JSON.stringify(set) }),
    );
  },
});
