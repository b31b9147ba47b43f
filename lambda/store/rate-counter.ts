// The rate limiter's counter on DynamoDB: one UpdateItem per request, no read.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateCounter, RateLimitBucket } from '../limits/rate-limits';
import type { DocumentClient } from './dynamodb-client';
import { hitsOf, hitUpdate, rateCounterKey } from './items/rate-limit-items';
import { orUnavailable } from './unavailable';

export class DynamoDbRateCounter implements RateCounter {
  private readonly tableName: string;
  private readonly client: DocumentClient;

  constructor(options: { tableName: string; client: DocumentClient }) {
    this.tableName = options.tableName;
    this.client = options.client;
  }

  async hit(
    bucket: RateLimitBucket,
    client: string,
    windowStart: number,
    expiresAt: number,
  ): Promise<number> {
    const { Attributes } = await orUnavailable(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rateCounterKey(bucket, client, windowStart),
          ...hitUpdate(expiresAt),
        }),
      ),
    );
    return hitsOf(Attributes);
  }
}
