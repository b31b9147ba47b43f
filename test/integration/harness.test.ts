import {
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { createTestTable, deleteTestTable, testDynamoDbClient } from '../support/tables';

describe('DynamoDB Local harness', () => {
  let tableName: string;
  beforeAll(async () => {
    tableName = await createTestTable('harness');
  });
  afterAll(async () => {
    await deleteTestTable(tableName);
  });

  const putIfAbsent = (id: string) => ({
    Put: { TableName: tableName, Item: { id: { S: id } }, ConditionExpression: 'attribute_not_exists(id)' },
  });

  it('accepts a conditional transactional write on a table made by the helper', async () => {
    await testDynamoDbClient().send(
      new TransactWriteItemsCommand({ TransactItems: [putIfAbsent('a'), putIfAbsent('b')] }),
    );

    const stored = await testDynamoDbClient().send(
      new GetItemCommand({ TableName: tableName, Key: { id: { S: 'a' } } }),
    );
    expect(stored.Item?.id?.S).toBe('a');
  });

  it('cancels the whole transaction and names the failing action when a condition fails', async () => {
    const write = testDynamoDbClient().send(
      new TransactWriteItemsCommand({ TransactItems: [putIfAbsent('c'), putIfAbsent('a')] }),
    );

    const error = await write.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((reason) => reason.Code)).toEqual(
      ['None', 'ConditionalCheckFailed'],
    );
    const notWritten = await testDynamoDbClient().send(
      new GetItemCommand({ TableName: tableName, Key: { id: { S: 'c' } } }),
    );
    expect(notWritten.Item).toBeUndefined();
  });
});
