// The active-admin counter item: a write that changes who is an active admin moves it in the same
// transaction, and its condition (never below one) is what refuses removing the last admin.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isActiveAdmin, type StoredUser } from '../users/user';
import type { Item } from './attributes';
import { addAdmin, adminCounterItem, adminCounterKey, removeAdmin } from './items/admin-counter-items';
import { isAbsent, profileFromItem } from './items/user-items';
import { usersTable } from './table-definition';
import type { TransactionPart } from './transactions';
import { orUnavailable } from './unavailable';

export class AdminCounter {
  /** Set once the counter is known to exist (it is never deleted). */
  private ready = false;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  /** The counter update a write from `before` to `after` needs, if it changes the active admins. */
  async change(
    before: StoredUser | undefined,
    after: StoredUser | undefined,
  ): Promise<Record<string, TransactionPart>> {
    const was = before !== undefined && isActiveAdmin(before);
    const is = after !== undefined && isActiveAdmin(after);
    if (was === is) return {};
    await this.ensure();
    return {
      admins: {
        Update: { TableName: this.tableName, Key: adminCounterKey, ...(is ? addAdmin : removeAdmin) },
      },
    };
  }

  /**
   * A table written before the counter existed has none: count the active admins once and create
   * it. A table created by this code has it from its first admin on. Writes racing this one-off
   * count are the only window for drift.
   */
  private async ensure(): Promise<void> {
    if (this.ready) return;
    const { Item } = await orUnavailable(
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: adminCounterKey, ConsistentRead: true }),
      ),
    );
    if (!Item) {
      try {
        await orUnavailable(
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: adminCounterItem(await this.countActiveAdmins()),
              ...isAbsent,
            }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    this.ready = true;
  }

  /** The one-off backfill: a Scan of the email index, which projects role and status. */
  private async countActiveAdmins(): Promise<number> {
    let count = 0;
    let startKey: Item | undefined;
    do {
      const page = await orUnavailable(
        this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            IndexName: usersTable.emailIndex.name,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      count += (page.Items ?? []).filter((user) => isActiveAdmin(profileFromItem(user))).length;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }
}
