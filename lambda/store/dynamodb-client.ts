// How DynamoDB clients are made. Nothing here reads the environment or keeps a client: each
// composition root makes its clients once and passes them on. Without an `endpoint` the SDK
// itself honours AWS_ENDPOINT_URL_DYNAMODB, which points an unchanged client at DynamoDB Local.
// In the Lambda bundles the SDK's default credential chain is the env-only provider of
// credentials-from-env.ts (an esbuild alias in lib/api-function.ts), so nothing here changes that.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbClientOptions {
  /** DynamoDB Local, for instance; omit for the SDK's own resolution. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** What the repositories are given. */
export type DocumentClient = DynamoDBDocumentClient;

export const createDynamoDbClient = (options: DynamoDbClientOptions = {}): DynamoDBClient =>
  new DynamoDBClient({
    // Bounded waits: a DynamoDB that is down, unreachable or hung turns into a prompt 503
    // (at most 3 attempts x 1.2 s + back-off, about 4 s), never a request that hangs until the
    // 30 s API Gateway timeout. Without throwOnRequestTimeout the SDK only logs a warning when
    // requestTimeout passes and keeps waiting (test/security/faults.test.ts pauses DynamoDB).
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_200, throwOnRequestTimeout: true },
    ...options,
  });

// DynamoDBDocumentClient.from() writes its options onto the base client's shared config, so a
// second document client on one base would change the first one's marshalling too.
const wrapped = new WeakSet<DynamoDBClient>();

/** The client the repositories take: plain JavaScript values in, plain values out. */
export const createDocumentClient = (base: DynamoDBClient): DocumentClient => {
  if (wrapped.has(base)) throw new Error('This DynamoDBClient already has a document client: make another');
  wrapped.add(base);
  return DynamoDBDocumentClient.from(base, {
    // An undefined attribute is a bug in an item module: refuse to write it (the default) rather
    // than drop it and store an item its reader then rejects.
    marshallOptions: { removeUndefinedValues: false, convertClassInstanceToMap: false },
    // Every number this service stores is a small integer (versions, counts, epoch seconds).
    unmarshallOptions: { wrapNumbers: false },
  });
};

let shared: DynamoDBClient | undefined;

/**
 * @deprecated A process-wide client, kept only for the callers outside lambda/store that still
 * import it (test support, local/stack.ts, bench). Build with createDynamoDbClient() instead.
 */
export const dynamoDbClient = (): DynamoDBClient => {
  shared ??= createDynamoDbClient();
  return shared;
};
