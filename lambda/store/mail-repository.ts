// The DynamoDB side of the mail flows' own items (layout in mail-items.ts): throttle slots, token
// look-ups, and a token issued together with its mail.
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { MailKind, MailToken, OutboxMail } from '../mail/mail';
import type { MailRepository } from '../mail/repository';
import { type Clock, type IdSource, randomIds, systemClock } from '../shared/clock';
import { UnavailableError } from '../shared/errors';
import type { DocumentClient } from './dynamodb-client';
import {
  mailThrottleClaim,
  mailTokenFromItem,
  mailTokenKey,
  newTokenParts,
  outboxParts,
  raw,
} from './mail-items';

const orUnavailable = async <T>(request: Promise<T>): Promise<T> => {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    throw new UnavailableError('The user store is not answering right now; retry shortly.', [], {
      cause: error,
    });
  }
};

export class DynamoDbMailRepository implements MailRepository {
  constructor(
    private readonly options: {
      readonly tableName: string;
      readonly client: DocumentClient;
      readonly clock?: Clock;
      readonly newId?: IdSource;
    },
  ) {}

  async claimMailSlot(
    kind: MailKind,
    email: string,
    nowEpoch: number,
    windowSeconds: number,
  ): Promise<boolean> {
    try {
      await orUnavailable(
        this.options.client.send(
          new PutItemCommand({
            TableName: this.options.tableName,
            ...mailThrottleClaim(kind, email, nowEpoch, windowSeconds),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getToken(hash: string): Promise<MailToken | undefined> {
    const { Item } = await orUnavailable(
      this.options.client.send(
        new GetItemCommand({
          TableName: this.options.tableName,
          Key: raw(mailTokenKey(hash)),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? mailTokenFromItem(hash, unmarshall(Item)) : undefined;
  }

  async issueNothing(hash: string): Promise<void> {
    const { tableName, client } = this.options;
    const absent = { TableName: tableName, ConditionExpression: 'attribute_not_exists(id)' };
    await orUnavailable(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { ConditionCheck: { ...absent, Key: raw(mailTokenKey(hash)) } },
            { ConditionCheck: { ...absent, Key: raw(mailTokenKey(`${hash}#outbox`)) } },
          ],
        }),
      ),
    ).catch(() => undefined);
  }

  async issueToken(token: MailToken, mail: OutboxMail): Promise<void> {
    const { tableName, client } = this.options;
    await orUnavailable(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            ...newTokenParts(tableName, token),
            ...outboxParts(
              tableName,
              [mail],
              this.options.newId ?? randomIds,
              (this.options.clock ?? systemClock)(),
            ),
          ],
        }),
      ),
    );
  }
}
