// The AWS SDK's default credential chain as the Lambda bundles have it: environment variables
// only. lib/api-function.ts aliases `@aws-sdk/credential-provider-node` to this module when it
// bundles a function, so the DynamoDB client's unchanged `new DynamoDBClient({})` gets it.
// Why: Lambda hands a function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
// and AWS_SESSION_TOKEN, which the default chain reads first; the rest of the chain (SSO, ini and
// credential files, credential_process, web identity, container and instance metadata) can never
// answer there, yet it was a third of the router bundle (~135 KB with the STS/SSO clients it
// pulls in) to load on every cold start. Unbundled code (tests, `npm start`) keeps the full chain.
// Should the bundle ever run without those variables, the first DynamoDB call fails with
// CredentialsProviderError, as the default chain would once every link had failed.
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same name and call shape as the module it stands in for. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> =>
  fromEnv(init);
