// The one DynamoDB client of a process. Made once per cold start and reused, so connections
// stay warm (the SDK's Node handler keeps sockets alive). Locally AWS_ENDPOINT_URL_DYNAMODB
// points the same unchanged client at DynamoDB Local.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

let client: DynamoDBClient | undefined;

export const dynamoDbClient = (): DynamoDBClient => {
  client ??= new DynamoDBClient({
    // Bounded waits: a DynamoDB that is down, unreachable or hung turns into a prompt 503
    // (at most 3 attempts x 1.2 s + back-off, about 4 s), never a request that hangs until the
    // 30 s API Gateway timeout. Without throwOnRequestTimeout the SDK only logs a warning when
    // requestTimeout passes and keeps waiting (test/security/faults.test.ts pauses DynamoDB).
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_200, throwOnRequestTimeout: true },
  });
  return client;
};
