// DynamoDB clients, made by whoever composes the app (a Lambda's index.ts, the local stack, the
// test kit) and handed to the repositories. Locally an explicit endpoint (or the SDK's own
// AWS_ENDPOINT_URL_DYNAMODB) points the same client at DynamoDB Local.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Placeholder until the Document Client lands: the client the repositories are given. */
export type DocumentClient = DynamoDBClient;

export interface DynamoDbClientOptions {
  /** DynamoDB Local's URL; omitted on AWS. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export const createDynamoDbClient = (options: DynamoDbClientOptions = {}): DynamoDBClient =>
  new DynamoDBClient({
    ...options,
    // Bounded waits: a DynamoDB that is down, unreachable or hung turns into a prompt 503
    // (at most 3 attempts x 1.2 s + back-off, about 4 s), never a request that hangs until the
    // 30 s API Gateway timeout. Without throwOnRequestTimeout the SDK only logs a warning when
    // requestTimeout passes and keeps waiting (test/security/faults.test.ts pauses DynamoDB).
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_200, throwOnRequestTimeout: true },
  });

export const createDocumentClient = (base: DynamoDBClient): DocumentClient => base;

let shared: DynamoDBClient | undefined;
/** @deprecated one client per composition root: use createDynamoDbClient. */
export const dynamoDbClient = (): DynamoDBClient => {
  shared ??= createDynamoDbClient();
  return shared;
};
