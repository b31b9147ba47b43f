// The DynamoDB repository: the one module that knows how users are laid out in the table.
//
// One table holds three kinds of item, told apart by their key:
//   <uuid>                   a user (the only kind with an `email` attribute, so the only kind in the email index)
//   email#<email>            the email guard: makes an email unique, since a GSI cannot; it
//                            also gives login a strongly consistent email → id look-up
//   login-failures#<email>   consecutive failed logins for an email, known or not (expires by TTL)
//   admins#active            the active-admin counter (items/admin-counter-items.ts)
//   event#<uuid>             an audit event (items/audit-event-items.ts), written by the same
//                            transaction as the change it records
// A user and its guard are only ever written together, in one transaction.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBServiceException,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  RequestLimitExceeded,
  ScanCommand,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AuditEvent, WriteOptions } from '../audit/event';
import { UnavailableError } from '../shared/errors';
import { EmailTakenError, LastAdminError } from '../users/errors';
import {
  StaleVersionError,
  type UserListQuery,
  type UserPage,
  type UserRepository,
} from '../users/repository';
import {
  isActiveAdmin,
  type LoginFailures,
  type Role,
  type Status,
  type StoredUser,
  type User,
} from '../users/user';
import { AuditEventWriter } from './audit-repository';
import type { DocumentClient } from './dynamodb-client';
import { addAdmin, adminCounterItem, adminCounterKey, removeAdmin } from './items/admin-counter-items';
import { listingKeysOf, listingPartitions } from './items/user-listing-items';
import { afterOfPosition, queryShards } from './sharded-query';
import { usersTable } from './table-definition';

/** A transaction part with a name, so that a cancellation says which condition failed. */
type NamedPart = readonly [name: string, part: TransactWriteItem];

type Item = Record<string, AttributeValue>;

const guardId = (email: string) => `email#${email}`;
const loginFailuresId = (email: string) => `login-failures#${email}`;
const key = (id: string): Item => ({ id: { S: id } });

const string = (item: Item, name: string): string => {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`Stored item lacks string attribute ${name}`);
  return value;
};
const number = (item: Item, name: string): number => Number(item[name]?.N ?? Number.NaN);
const nullableString = (item: Item, name: string): string | null => item[name]?.S ?? null;

const profileFromItem = (item: Item): User => ({
  id: string(item, 'id'),
  email: string(item, 'email'),
  name: string(item, 'name'),
  role: string(item, 'role') as Role,
  // Users stored before statuses existed are active.
  status: (item.status?.S ?? 'active') as Status,
  lastLogin: nullableString(item, 'last_login'),
  createdAt: string(item, 'created_at'),
  updatedAt: string(item, 'updated_at'),
  version: number(item, 'version'),
});

const userFromItem = (item: Item): StoredUser => ({
  ...profileFromItem(item),
  passwordHash: string(item, 'password_hash'),
  tokenVersion: number(item, 'token_version'),
});

const itemFromUser = (user: StoredUser): Item => ({
  id: { S: user.id },
  email: { S: user.email },
  name: { S: user.name },
  role: { S: user.role },
  status: { S: user.status },
  ...marshall(listingKeysOf(user)),
  password_hash: { S: user.passwordHash },
  token_version: { N: String(user.tokenVersion) },
  last_login: user.lastLogin === null ? { NULL: true } : { S: user.lastLogin },
  created_at: { S: user.createdAt },
  updated_at: { S: user.updatedAt },
  version: { N: String(user.version) },
});

const failedParts = (parts: readonly NamedPart[], error: unknown): string[] =>
  error instanceof TransactionCanceledException
    ? parts
        .filter((_, index) => error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed')
        .map(([name]) => name)
    : [];

const TRANSIENT = [
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
] as const;

export class DynamoDbUserRepository implements UserRepository {
  private readonly tableName: string;
  private readonly client: DocumentClient;
  private readonly audit: AuditEventWriter;
  /** Set once the active-admin counter is known to exist (it is never deleted). */
  private adminCounterReady = false;

  constructor(options: {
    readonly tableName: string;
    readonly client: DocumentClient;
    /** Retention of the audit events this repository's writes carry. */
    readonly auditRetentionDays?: number;
  }) {
    this.tableName = options.tableName;
    this.client = options.client;
    this.audit = new AuditEventWriter(options.tableName, options.auditRetentionDays);
  }

  async getById(id: string): Promise<StoredUser | undefined> {
    const { Item } = await this.call(
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key(id), ConsistentRead: true })),
    );
    // Only users have an email attribute: a guard's key never reads as a user.
    return Item?.email ? userFromItem(Item) : undefined;
  }

  async getByEmail(email: string): Promise<StoredUser | undefined> {
    const { Item: guard } = await this.call(
      this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: key(guardId(email)), ConsistentRead: true }),
      ),
    );
    const ownerId = guard?.owner_id?.S;
    return ownerId === undefined ? undefined : this.getById(ownerId);
  }

  async create(user: StoredUser, options: WriteOptions = {}): Promise<void> {
    await this.transact(
      [
        [
          'user',
          {
            Put: {
              TableName: this.tableName,
              Item: itemFromUser(user),
              ConditionExpression: 'attribute_not_exists(id)',
            },
          },
        ],
        ['newGuard', this.putGuard(user)],
        ...(await this.adminChange(undefined, user)),
      ],
      options.events,
    );
  }

  async replace(previous: StoredUser, next: StoredUser, options: WriteOptions = {}): Promise<void> {
    const putUser = {
      TableName: this.tableName,
      Item: itemFromUser(next),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': { N: String(previous.version) } },
    };
    const admins = await this.adminChange(previous, next);
    const events = options.events ?? [];
    if (previous.email === next.email && admins.length === 0 && events.length === 0) {
      try {
        await this.call(this.client.send(new PutItemCommand(putUser)));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new StaleVersionError();
        throw error;
      }
      return;
    }
    // One transaction may not touch an item twice, hence the guards only when the email moves.
    const guards: NamedPart[] =
      previous.email === next.email
        ? []
        : [
            ['oldGuard', this.deleteGuard(previous)],
            ['newGuard', this.putGuard(next)],
          ];
    await this.transact([['user', { Put: putUser }], ...guards, ...admins], events);
  }

  async delete(user: StoredUser, options: WriteOptions = {}): Promise<void> {
    await this.transact(
      [
        [
          'user',
          {
            Delete: {
              TableName: this.tableName,
              Key: key(user.id),
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': { N: String(user.version) } },
            },
          },
        ],
        ['oldGuard', this.deleteGuard(user)],
        ['failures', { Delete: { TableName: this.tableName, Key: key(loginFailuresId(user.email)) } }],
        // Sessions of the user are deleted here too once they exist (issue 13); events stay.
        ...(await this.adminChange(user, undefined)),
      ],
      options.events,
    );
  }

  async recordLogin(
    user: StoredUser,
    at: string,
    options: WriteOptions & { readonly clearFailures?: boolean } = {},
  ): Promise<StoredUser | undefined> {
    try {
      await this.transact(
        [
          [
            'login',
            {
              Update: {
                TableName: this.tableName,
                Key: key(user.id),
                UpdateExpression: 'SET last_login = :at, version = version + :one',
                ConditionExpression: 'attribute_exists(email)',
                ExpressionAttributeValues: { ':at': { S: at }, ':one': { N: '1' } },
              },
            },
          ],
          ...(options.clearFailures
            ? ([
                [
                  'failures',
                  { Delete: { TableName: this.tableName, Key: key(loginFailuresId(user.email)) } },
                ],
              ] as NamedPart[])
            : []),
        ],
        options.events,
      );
    } catch (error) {
      if (error instanceof StaleVersionError) return undefined;
      throw error;
    }
    // A transaction returns no values: re-read, so the version (the ETag) is the stored one.
    return this.getById(user.id);
  }

  async list(query: UserListQuery): Promise<UserPage> {
    // The sorted, sharded indexes (items/user-listing-items.ts): a page reads at most
    // (limit + 1) users per shard, with or without filters, and never a credential.
    const index = query.status ? usersTable.usersByStatus : usersTable.usersByEmail;
    const page = await this.call(
      queryShards(this.client, {
        tableName: this.tableName,
        indexName: index.name,
        partitionKey: index.partitionKey.name,
        partitions: listingPartitions(query.status),
        sortKey: 'email',
        ascending: true,
        limit: query.limit,
        prefix: query.emailPrefix,
        after: afterOfPosition(query.position),
      }),
    );
    return { users: page.items.map(profileFromPlainItem), nextPosition: page.nextPosition };
  }

  async getLoginFailures(email: string): Promise<LoginFailures | undefined> {
    const { Item } = await this.call(
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: key(loginFailuresId(email)),
          ConsistentRead: true,
        }),
      ),
    );
    return Item
      ? { count: number(Item, 'failure_count'), lastFailedAt: string(Item, 'last_failed_at') }
      : undefined;
  }

  async addLoginFailure(
    email: string,
    at: string,
    keepForSeconds: number,
    eventsFor: (count: number) => readonly AuditEvent[] = () => [],
  ): Promise<LoginFailures> {
    const nowEpoch = Math.floor(Date.parse(at) / 1000);
    const expires = { N: String(nowEpoch + keepForSeconds) };
    // Compare-and-set on the count, so the count and its events (failed, or locked) are one
    // transaction; concurrent failures each count, retrying on the count they lost to.
    for (let attempt = 1; ; attempt++) {
      const { Item } = await this.call(
        this.client.send(
          new GetItemCommand({
            TableName: this.tableName,
            Key: key(loginFailuresId(email)),
            ConsistentRead: true,
          }),
        ),
      );
      // TTL deletion lags by up to days: an expired record must not keep counting.
      const live = Item !== undefined && number(Item, 'expires_at') > nowEpoch;
      const previous = live ? number(Item, 'failure_count') : 0;
      const count = previous + 1;
      const condition: Pick<
        TransactWriteItem['Put'] & object,
        'ConditionExpression' | 'ExpressionAttributeValues'
      > = live
        ? {
            ConditionExpression: 'failure_count = :previous',
            ExpressionAttributeValues: { ':previous': { N: String(previous) } },
          }
        : Item === undefined
          ? { ConditionExpression: 'attribute_not_exists(id)' }
          : {
              ConditionExpression: 'expires_at = :stale',
              ExpressionAttributeValues: { ':stale': { N: String(number(Item, 'expires_at')) } },
            };
      const put: TransactWriteItem = {
        Put: {
          TableName: this.tableName,
          Item: {
            ...key(loginFailuresId(email)),
            failure_count: { N: String(count) },
            last_failed_at: { S: at },
            expires_at: expires,
          },
          ...condition,
        },
      };
      try {
        await this.transact([['failures', put]], eventsFor(count));
        return { count, lastFailedAt: at };
      } catch (error) {
        if (!(error instanceof StaleVersionError) || attempt >= 20) throw error;
      }
    }
  }

  async clearLoginFailures(email: string): Promise<void> {
    await this.call(
      this.client.send(
        new DeleteItemCommand({ TableName: this.tableName, Key: key(loginFailuresId(email)) }),
      ),
    );
  }

  private putGuard(user: StoredUser): TransactWriteItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...key(guardId(user.email)), owner_id: { S: user.id } },
        ConditionExpression: 'attribute_not_exists(id)',
      },
    };
  }

  private deleteGuard(user: StoredUser): TransactWriteItem {
    return {
      Delete: {
        TableName: this.tableName,
        Key: key(guardId(user.email)),
        ConditionExpression: 'owner_id = :owner',
        ExpressionAttributeValues: { ':owner': { S: user.id } },
      },
    };
  }

  /** The counter update a write from `before` to `after` needs, if it changes the active admins. */
  private async adminChange(
    before: StoredUser | undefined,
    after: StoredUser | undefined,
  ): Promise<NamedPart[]> {
    const was = before !== undefined && isActiveAdmin(before);
    const is = after !== undefined && isActiveAdmin(after);
    if (was === is) return [];
    await this.ensureAdminCounter();
    const update = is ? addAdmin : removeAdmin;
    return [
      [
        'admins',
        {
          Update: {
            TableName: this.tableName,
            Key: marshall(adminCounterKey),
            UpdateExpression: update.UpdateExpression,
            ConditionExpression: update.ConditionExpression,
            ExpressionAttributeValues: marshall(update.ExpressionAttributeValues),
          },
        },
      ],
    ];
  }

  /**
   * A table written before the counter existed has none: count the active admins once (from the
   * email index, which projects role and status) and create it. A table created by this code has
   * it from its first admin on. Writes racing this one-off count are the only window for drift.
   */
  private async ensureAdminCounter(): Promise<void> {
    if (this.adminCounterReady) return;
    const { Item } = await this.call(
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall(adminCounterKey),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) {
      let count = 0;
      let startKey: Item | undefined;
      do {
        const page = await this.call(
          this.client.send(
            new ScanCommand({
              TableName: this.tableName,
              IndexName: usersTable.emailIndex.name,
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        count += (page.Items ?? []).filter((item) => isActiveAdmin(profileFromItem(item))).length;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      try {
        await this.call(
          this.client.send(
            new PutItemCommand({
              TableName: this.tableName,
              Item: marshall(adminCounterItem(count)),
              ConditionExpression: 'attribute_not_exists(id)',
            }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    this.adminCounterReady = true;
  }

  /**
   * Writes the parts and the events that record them, all or nothing. A failed condition becomes
   * the domain's error for that part; a cancellation because another transaction held the same
   * item (TransactionConflict) is retried, so that the caller sees the real outcome (usually:
   * the condition now fails).
   */
  private async transact(parts: readonly NamedPart[], events: readonly AuditEvent[] = []): Promise<void> {
    const items = [...parts.map(([, part]) => part), ...this.audit.parts(events)];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call(this.client.send(new TransactWriteItemsCommand({ TransactItems: items })));
        return;
      } catch (error) {
        const conflicted =
          error instanceof TransactionConflictException ||
          (error instanceof TransactionCanceledException &&
            error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict') &&
            !error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed'));
        if (conflicted && attempt < 8) {
          await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
          continue;
        }
        const failed = failedParts(parts, error);
        if (failed.includes('user') || failed.includes('login') || failed.includes('failures')) {
          throw new StaleVersionError();
        }
        if (failed.includes('newGuard')) throw new EmailTakenError();
        if (failed.includes('admins')) throw new LastAdminError();
        throw error;
      }
    }
  }

  /** Awaits a DynamoDB call; one that is unreachable, throttling or failing becomes a 503. */
  private async call<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      const transient = TRANSIENT.some((type) => error instanceof type);
      if (error instanceof DynamoDBServiceException && !transient) throw error;
      throw new UnavailableError('The user store is not answering right now; retry shortly.', [], {
        cause: error,
      });
    }
  }
}

/** A user as the listing indexes project it (unmarshalled): no credentials. */
const profileFromPlainItem = (item: Record<string, unknown>): User =>
  profileFromItem(marshall(item, { removeUndefinedValues: true }));
