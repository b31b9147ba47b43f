// Each test file gets a table of its own, made exactly as the stack defines it, on the Jest
// harness's DynamoDB Local (test/support/global-setup.ts hands its endpoint to the workers).
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureUsersTable } from '../../lambda/store/create-table';
import {
  createDocumentClient,
  createDynamoDbClient,
  type DocumentClient,
} from '../../lambda/store/dynamodb-client';
import { localClientOptions } from '../../local/dynamodb-local';

/** The harness's DynamoDB Local endpoint. */
export const harnessEndpoint = (): string => {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint) throw new Error('this suite needs the DynamoDB Local of test/support/global-setup.ts');
  return endpoint;
};

let base: DynamoDBClient | undefined;
let document: DocumentClient | undefined;

/** One client per test file, on the harness's DynamoDB Local. */
export const testDynamoDbClient = (): DynamoDBClient => {
  base ??= createDynamoDbClient(localClientOptions(harnessEndpoint()));
  return base;
};

export const testDocumentClient = (): DocumentClient => {
  document ??= createDocumentClient(testDynamoDbClient());
  return document;
};

export const createTestTable = async (prefix = 'users'): Promise<string> => {
  const tableName = `${prefix}-${randomUUID()}`;
  await ensureUsersTable(testDynamoDbClient(), tableName);
  return tableName;
};

export const deleteTestTable = async (tableName: string): Promise<void> => {
  await testDynamoDbClient().send(new DeleteTableCommand({ TableName: tableName }));
};
