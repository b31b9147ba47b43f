// The DynamoDB repository: the one module that knows how users are laid out in the table.
//
// One table holds three kinds of item, told apart by their key:
//   <uuid>                   a user (the only kind with an `email` attribute, so the only kind in the email index)
//   email#<email>            the email guard: makes an email unique, since a GSI cannot; it
//                            also gives login a strongly consistent email → id look-up
//   login-failures#<email>   consecutive failed logins for an email, known or not (expires by TTL)
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
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { InvalidTokenError } from '../mail/errors';
import { type Clock, type IdSource, randomIds, systemClock } from '../shared/clock';
import { UnavailableError } from '../shared/errors';
import { EmailTakenError } from '../users/errors';
import {
  InvalidPositionError,
  StaleVersionError,
  type UserPage,
  type UserRepository,
  type WriteEffects,
} from '../users/repository';
import type { LoginFailures, Role, StoredUser, User } from '../users/user';
import type { DocumentClient } from './dynamodb-client';
import { newTokenParts, outboxParts, spendTokenParts } from './mail-items';
import { usersTable } from './table-definition';

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
  // Users stored before verification existed read as unverified.
  emailVerified: item.email_verified?.BOOL ?? false,
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
  email_verified: { BOOL: user.emailVerified },
  password_hash: { S: user.passwordHash },
  token_version: { N: String(user.tokenVersion) },
  last_login: user.lastLogin === null ? { NULL: true } : { S: user.lastLogin },
  created_at: { S: user.createdAt },
  updated_at: { S: user.updatedAt },
  version: { N: String(user.version) },
});

const failedCondition = (error: unknown, action: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[action]?.Code === 'ConditionalCheckFailed';

const TRANSIENT = [
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
] as const;

export class DynamoDbUserRepository implements UserRepository {
  private readonly tableName: string;
  private readonly client: DocumentClient;
  private readonly clock: Clock;
  private readonly newId: IdSource;

  constructor(options: {
    readonly tableName: string;
    readonly client: DocumentClient;
    /** When outbox items are stamped, and their ids. */
    readonly clock?: Clock;
    readonly newId?: IdSource;
  }) {
    this.tableName = options.tableName;
    this.client = options.client;
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomIds;
  }

  /** The parts a write's effects add to its transaction, after the user's own parts. */
  private effectParts(effects: WriteEffects | undefined): TransactWriteItem[] {
    if (!effects) return [];
    return [
      ...(effects.spendToken
        ? spendTokenParts(this.tableName, effects.spendToken.token, effects.spendToken.nowEpoch)
        : []),
      ...(effects.newTokens ?? []).flatMap((token) => newTokenParts(this.tableName, token)),
      ...outboxParts(this.tableName, effects.mails ?? [], this.newId, this.clock()),
      ...(effects.clearLoginFailures === undefined
        ? []
        : [{ Delete: { TableName: this.tableName, Key: key(loginFailuresId(effects.clearLoginFailures)) } }]),
    ];
  }

  /** A spent token is the first of the effect parts: its failure means used, voided or expired. */
  private spentTokenFailed(error: unknown, userParts: number, effects: WriteEffects | undefined): boolean {
    if (!effects?.spendToken || !(error instanceof TransactionCanceledException)) return false;
    const spendCount = effects.spendToken.token.purpose === 'reset-password' ? 2 : 1;
    return Array.from({ length: spendCount }, (_, index) => failedCondition(error, userParts + index)).some(
      Boolean,
    );
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
    // The second read happens for an unknown email too (it finds no user), so that the time of
    // a look-up does not tell whether an account exists.
    const found = await this.getById(ownerId ?? guardId(email));
    return ownerId === undefined ? undefined : found;
  }

  async create(user: StoredUser, effects?: WriteEffects): Promise<void> {
    try {
      await this.transact([
        {
          Put: {
            TableName: this.tableName,
            Item: itemFromUser(user),
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
        this.putGuard(user),
        ...this.effectParts(effects),
      ]);
    } catch (error) {
      if (failedCondition(error, 1)) throw new EmailTakenError();
      throw error;
    }
  }

  async replace(previous: StoredUser, next: StoredUser, effects?: WriteEffects): Promise<void> {
    const putUser = {
      TableName: this.tableName,
      Item: itemFromUser(next),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': { N: String(previous.version) } },
    };
    const extra = this.effectParts(effects);
    if (previous.email === next.email && extra.length === 0) {
      try {
        await this.call(this.client.send(new PutItemCommand(putUser)));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new StaleVersionError();
        throw error;
      }
      return;
    }
    // One transaction may not touch an item twice, hence the guards only when the email moves.
    const userParts: TransactWriteItem[] =
      previous.email === next.email
        ? [{ Put: putUser }]
        : [{ Put: putUser }, this.deleteGuard(previous), this.putGuard(next)];
    try {
      await this.transact([...userParts, ...extra]);
    } catch (error) {
      if (this.spentTokenFailed(error, userParts.length, effects)) throw new InvalidTokenError();
      if (failedCondition(error, 0)) throw new StaleVersionError();
      if (userParts.length === 3 && failedCondition(error, 2)) throw new EmailTakenError();
      throw error;
    }
  }

  async delete(user: StoredUser): Promise<void> {
    try {
      await this.transact([
        {
          Delete: {
            TableName: this.tableName,
            Key: key(user.id),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': { N: String(user.version) } },
          },
        },
        this.deleteGuard(user),
      ]);
    } catch (error) {
      if (failedCondition(error, 0)) throw new StaleVersionError();
      throw error;
    }
  }

  async recordLogin(id: string, at: string): Promise<StoredUser | undefined> {
    try {
      const { Attributes } = await this.call(
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: key(id),
            UpdateExpression: 'SET last_login = :at, version = version + :one',
            ConditionExpression: 'attribute_exists(email)',
            ExpressionAttributeValues: { ':at': { S: at }, ':one': { N: '1' } },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return Attributes ? userFromItem(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async list(limit: number, position: string | undefined): Promise<UserPage> {
    // Scanning the email index, not the table: only users are in it (guards and login records
    // have no email), so a page costs O(page) and needs no filter, and no hash is projected.
    let startKey = position === undefined ? undefined : decodePosition(position);
    const users: User[] = [];
    do {
      const page = await this.call(
        this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            IndexName: usersTable.emailIndex.name,
            Limit: limit - users.length,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      users.push(...(page.Items ?? []).map(profileFromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey && users.length < limit);
    return { users, nextPosition: startKey ? encodePosition(startKey) : null };
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

  async addLoginFailure(email: string, at: string, keepForSeconds: number): Promise<LoginFailures> {
    const nowEpoch = Math.floor(Date.parse(at) / 1000);
    const values = { ':at': { S: at }, ':expires': { N: String(nowEpoch + keepForSeconds) } };
    try {
      // ADD is atomic: concurrent failures each count, so a burst of guesses cannot slip under the limit.
      const { Attributes } = await this.call(
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: key(loginFailuresId(email)),
            UpdateExpression: 'ADD failure_count :one SET last_failed_at = :at, expires_at = :expires',
            // TTL deletion lags by up to days: an expired record must not keep counting.
            ConditionExpression: 'attribute_not_exists(id) OR expires_at > :now',
            ExpressionAttributeValues: { ...values, ':one': { N: '1' }, ':now': { N: String(nowEpoch) } },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return { count: number(Attributes ?? {}, 'failure_count'), lastFailedAt: at };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.call(
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              ...key(loginFailuresId(email)),
              failure_count: { N: '1' },
              last_failed_at: values[':at'],
              expires_at: values[':expires'],
            },
          }),
        ),
      );
      return { count: 1, lastFailedAt: at };
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

  /**
   * A transaction can be cancelled because another one holds the same item (TransactionConflict)
   * rather than because a condition failed; such a cancellation is retried, so that its caller
   * sees the real outcome (usually: the condition now fails).
   */
  private async transact(items: TransactWriteItem[]): Promise<void> {
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
        if (!conflicted || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
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

const encodePosition = (lastKey: Item): string =>
  JSON.stringify({ id: lastKey.id?.S, email: lastKey.email?.S });

const decodePosition = (position: string): Item => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch {
    throw new InvalidPositionError();
  }
  const { id, email } = (parsed ?? {}) as { id?: unknown; email?: unknown };
  if (typeof id !== 'string' || typeof email !== 'string' || id.length > 64 || email.length > 320) {
    throw new InvalidPositionError();
  }
  return { id: { S: id }, email: { S: email } };
};
