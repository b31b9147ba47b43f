// The sessions repository on DynamoDB: the domain's SessionRepository port, built from the item
// module items/session-items.ts. Sessions live in the users table beside the users; a user's
// sessions are found through the sparse sessions index, newest first.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { WriteOptions } from '../audit/event';
import type { Rotation, SessionRepository } from '../sessions/repository';
import type { Session, SessionSummary } from '../sessions/session';
import { UnavailableError } from '../shared/errors';
import type { StoredUser } from '../users/user';
import type { Item } from './attributes';
import {
  endSessionsUpdate,
  isNewSession,
  isSessionItem,
  itemFromSession,
  rotationUpdate,
  sessionFromItem,
  sessionKey,
  sessionSummaryFromItem,
} from './items/session-items';
import { isUserItem, userFromItem, userKey } from './items/user-items';
import { usersTable } from './table-definition';
import { TableRepository, type TableRepositoryOptions } from './table-repository';
import { writeTransaction } from './transactions';
import { orUnavailable } from './unavailable';

export type DynamoDbSessionRepositoryOptions = TableRepositoryOptions;

/** The user of an endAllOf is gone (internal to this module). */
class GoneError extends Error {}

const failedCondition = async (write: Promise<unknown>): Promise<boolean> => {
  try {
    await orUnavailable(write);
    return false;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return true;
    throw error;
  }
};

export class DynamoDbSessionRepository extends TableRepository implements SessionRepository {
  async create(session: Session): Promise<void> {
    await orUnavailable(
      this.client.send(
        new PutCommand({ TableName: this.tableName, Item: itemFromSession(session), ...isNewSession }),
      ),
    );
  }

  async get(id: string): Promise<Session | undefined> {
    const { Item } = await orUnavailable(
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: sessionKey(id), ConsistentRead: true }),
      ),
    );
    return Item && isSessionItem(Item) ? sessionFromItem(Item) : undefined;
  }

  async getWithUser(
    sessionId: string,
    userId: string,
  ): Promise<{ readonly session: Session | undefined; readonly user: StoredUser | undefined }> {
    let keys: Record<string, unknown>[] = [sessionKey(sessionId), userKey(userId)];
    const items: Item[] = [];
    // DynamoDB may leave keys unprocessed under load: ask again for those, briefly.
    for (let attempt = 1; keys.length > 0; attempt++) {
      if (attempt > 4)
        throw new UnavailableError('The user store is not answering right now; retry shortly.');
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
      const { Responses, UnprocessedKeys } = await orUnavailable(
        this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        ),
      );
      items.push(...(Responses?.[this.tableName] ?? []));
      keys = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    const session = items.find((item) => item.id === sessionKey(sessionId).id);
    const user = items.find((item) => item.id === userId);
    return {
      session: session && isSessionItem(session) ? sessionFromItem(session) : undefined,
      user: user && isUserItem(user) ? userFromItem(user) : undefined,
    };
  }

  async rotate(id: string, { fromHash, toHash, at }: Rotation): Promise<boolean> {
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: sessionKey(id),
      ...rotationUpdate(fromHash, toHash, at),
    });
    return !(await failedCondition(this.client.send(update)));
  }

  async delete(id: string, options: WriteOptions = {}): Promise<void> {
    const remove = { TableName: this.tableName, Key: sessionKey(id) };
    if (!options.events?.length) {
      await orUnavailable(this.client.send(new DeleteCommand(remove)));
      return;
    }
    // The session's end and its events: one transaction.
    await writeTransaction(
      this.client,
      { session: { Delete: remove }, ...this.audit.parts(options.events) },
      {},
    );
  }

  async listByUser(userId: string): Promise<readonly SessionSummary[]> {
    const items = await this.queryIndex(userId, {});
    return items.map(sessionSummaryFromItem);
  }

  async endAllOf(userId: string, options: WriteOptions = {}): Promise<boolean> {
    const bump = { TableName: this.tableName, Key: userKey(userId), ...endSessionsUpdate };
    if (!options.events?.length) {
      return !(await failedCondition(this.client.send(new UpdateCommand(bump))));
    }
    // The bump and its events: one transaction.
    try {
      await writeTransaction(
        this.client,
        { user: { Update: bump }, ...this.audit.parts(options.events) },
        { user: () => new GoneError() },
      );
      return true;
    } catch (error) {
      if (error instanceof GoneError) return false;
      throw error;
    }
  }

  async deleteAllOf(userId: string): Promise<void> {
    const keys = await this.queryIndex(userId, { ProjectionExpression: 'id' });
    // A handful per user: plain deletes in parallel need no BatchWriteItem grant or retry loop.
    await Promise.all(
      keys.map((key) =>
        orUnavailable(
          this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { id: key.id } })),
        ),
      ),
    );
  }

  /** Every page of one user's sessions in the index, newest first. */
  private async queryIndex(userId: string, extra: Partial<QueryCommandInput>): Promise<Item[]> {
    const index = usersTable.sessionsIndex;
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await orUnavailable(
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: index.name,
            KeyConditionExpression: '#user = :user',
            ExpressionAttributeNames: { '#user': index.partitionKey.name },
            ExpressionAttributeValues: { ':user': userId },
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
            ...extra,
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
