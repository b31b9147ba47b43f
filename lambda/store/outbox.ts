// The mailer's one write: a sent outbox item loses its raw token and gains `sent_at`.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Outbox } from '../mail/repository';

export const createDynamoDbOutbox = (options: {
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
}): Outbox => ({
  async markSent(outboxId, at) {
    try {
      await options.client.send(
        new UpdateCommand({
          TableName: options.tableName,
          Key: { id: outboxId },
          UpdateExpression: 'REMOVE #token SET sent_at = :at',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
    } catch (error) {
      // Gone by TTL already: nothing left to blank.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  },
});
