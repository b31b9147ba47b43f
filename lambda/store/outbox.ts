// The mailer's one write: a sent outbox item loses its raw token and gains `sent_at`.
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Outbox } from '../mailer/create-mailer';
import type { DocumentClient } from './dynamodb-client';
import { raw } from './mail-items';

export const createDynamoDbOutbox = (options: {
  readonly tableName: string;
  readonly client: DocumentClient;
}): Outbox => ({
  async markSent(outboxId, at) {
    await options.client
      .send(
        new UpdateItemCommand({
          TableName: options.tableName,
          Key: raw({ id: outboxId }),
          UpdateExpression: 'REMOVE #token SET sent_at = :at',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: raw({ ':at': at.toISOString() }),
        }),
      )
      .catch((error: unknown) => {
        // Gone by TTL already: nothing left to blank.
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      });
  },
});
