// Each test file gets a table of its own, made exactly as the stack defines it.
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ensureUsersTable } from '../../lambda/store/create-table';
import { dynamoDbClient } from '../../lambda/store/dynamodb-client';

export const createTestTable = async (prefix = 'users'): Promise<string> => {
  const tableName = `${prefix}-${randomUUID()}`;
  await ensureUsersTable(dynamoDbClient(), tableName);
  return tableName;
};

export const deleteTestTable = async (tableName: string): Promise<void> => {
  await dynamoDbClient().send(new DeleteTableCommand({ TableName: tableName }));
};
