// Jest global setup: one DynamoDB Local (in memory) for the whole run. Test files make their
// own tables (see tables.ts), so parallel workers never see each other's data. The endpoint
// reaches the workers through process.env, which they inherit.
import { type DynamoDbLocal, localAwsEnvironment, startDynamoDbLocal } from '../../local/dynamodb-local';

declare global {
  var __dynamoDbLocal: DynamoDbLocal | undefined;
}

export default async function globalSetup(): Promise<void> {
  // integration and e2e both name this setup; one DynamoDB Local serves both.
  if (globalThis.__dynamoDbLocal) return;
  const dynamoDbLocal = await startDynamoDbLocal();
  globalThis.__dynamoDbLocal = dynamoDbLocal;
  Object.assign(process.env, localAwsEnvironment(dynamoDbLocal.endpoint));
  // Never leave a Java process behind, even when Jest is interrupted.
  const stop = () => dynamoDbLocal.process.kill('SIGKILL');
  process.once('exit', stop);
}
