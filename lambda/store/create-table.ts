// Creates the users table from the stack's own definition (table-definition.ts), for
// DynamoDB Local: the test harness, `npm start` and the benchmarks. Never used on AWS,
// where CloudFormation owns the table.
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { keyedIndexes, usersTable } from './table-definition';

export const createTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: usersTable.partitionKey.name, KeyType: 'HASH' }],
  AttributeDefinitions: [
    { AttributeName: usersTable.partitionKey.name, AttributeType: usersTable.partitionKey.type },
    {
      AttributeName: usersTable.emailIndex.partitionKey.name,
      AttributeType: usersTable.emailIndex.partitionKey.type,
    },
    ...[
      ...new Map(
        keyedIndexes
          .flatMap((index) => [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])])
          .filter((key) => key.name !== usersTable.emailIndex.partitionKey.name)
          .map((key) => [key.name, { AttributeName: key.name, AttributeType: key.type }]),
      ).values(),
    ],
  ],
  StreamSpecification: { StreamEnabled: true, StreamViewType: usersTable.stream },
  GlobalSecondaryIndexes: [
    {
      IndexName: usersTable.emailIndex.name,
      KeySchema: [{ AttributeName: usersTable.emailIndex.partitionKey.name, KeyType: 'HASH' }],
      Projection: {
        ProjectionType: 'INCLUDE',
        NonKeyAttributes: [...usersTable.emailIndex.nonKeyAttributes],
      },
    },
    ...keyedIndexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
        ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.nonKeyAttributes] },
    })),
  ],
});

/** Creates the table unless it exists. Returns true when it created it. */
export const ensureUsersTable = async (client: DynamoDBClient, tableName: string): Promise<boolean> => {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // A table kept from before the mailer existed gains its stream.
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: usersTable.stream },
        }),
      );
    }
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    // Two processes racing to create the same table: the loser finds it made.
    if (error instanceof ResourceInUseException) return false;
    throw error;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: usersTable.timeToLiveAttribute, Enabled: true },
    }),
  );
  return true;
};

/** Resolves once DynamoDB answers; rejects after `timeoutMs`. */
export const waitForDynamoDb = async (client: DynamoDBClient, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};
