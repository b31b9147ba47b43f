// The users repository on DynamoDB: the domain's UserRepository port, built from the item
// modules in items/ (keys and layouts live there, not here). One table holds every item kind,
// told apart by key; a user and its email guard are only ever written together, in one transaction.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { InvalidTokenError } from '../mail/errors';
import { type Clock, type IdSource, randomIds, systemClock } from '../shared/clock';
import { EmailTakenError } from '../users/errors';
import {
  type ClearLoginFailures,
  type LoginFailure,
  StaleVersionError,
  type UserPage,
  type UserRepository,
  type WriteEffects,
} from '../users/repository';
import type { LoginThrottleState, StoredUser, User } from '../users/user';
import {
  accountFailuresFromItem,
  accountFailuresKey,
  addAccountFailureUpdate,
  addFailureUpdate,
  clearAccountUpdate,
  clientFailuresKey,
  firstFailureItem,
  loginFailuresFromItem,
  openAccountWindowUpdate,
} from './items/login-failure-items';
import { newTokenParts, outboxParts, spendTokenParts } from './items/mail-items';
import {
  emailGuardItem,
  emailGuardKey,
  isAbsent,
  isAtVersion,
  isOwnedBy,
  isUserItem,
  itemFromUser,
  keyOfPosition,
  ownerOfGuard,
  positionOfKey,
  profileFromItem,
  recordLoginUpdate,
  userFromItem,
  userKey,
} from './items/user-items';
import { usersTable } from './table-definition';
import { type TransactionPart, writeTransaction } from './transactions';
import { orUnavailable } from './unavailable';

/** A catch handler: on a failed condition, `then`; anything else is thrown on. */
const ifConditionFailed =
  <T>(then: () => Promise<T>) =>
  (error: unknown): Promise<T> => {
    if (error instanceof ConditionalCheckFailedException) return then();
    throw error;
  };

export interface DynamoDbUserRepositoryOptions {
  readonly tableName: string;
  /** Made by createDocumentClient(); the repository never makes its own. */
  readonly client: DynamoDBDocumentClient;
  /** When outbox items are stamped, and their ids. */
  readonly clock?: Clock;
  readonly newId?: IdSource;
}

/** A spent token's parts: when their condition fails, the token was used, voided or expired. */
const SPENT = { spentToken: () => new InvalidTokenError(), spentPointer: () => new InvalidTokenError() };

export class DynamoDbUserRepository implements UserRepository {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly clock: Clock;
  private readonly newId: IdSource;

  constructor({ tableName, client, clock, newId }: DynamoDbUserRepositoryOptions) {
    this.tableName = tableName;
    this.client = client;
    this.clock = clock ?? systemClock;
    this.newId = newId ?? randomIds;
  }

  /** The named parts a write's effects add to its transaction. */
  private effectParts(effects: WriteEffects | undefined): Record<string, TransactionPart> {
    if (!effects) return {};
    const named = (prefix: string, parts: TransactionPart[]) =>
      Object.fromEntries(parts.map((part, index) => [`${prefix}${index}`, part]));
    const [spentToken, spentPointer] = effects.spendToken
      ? spendTokenParts(this.tableName, effects.spendToken.token, effects.spendToken.nowEpoch)
      : [];
    return {
      ...(spentToken ? { spentToken } : {}),
      ...(spentPointer ? { spentPointer } : {}),
      ...named(
        'token',
        (effects.newTokens ?? []).flatMap((token) => newTokenParts(this.tableName, token)),
      ),
      ...named('mail', outboxParts(this.tableName, effects.mails ?? [], this.newId, this.clock())),
      ...(effects.clearLoginFailures === undefined
        ? {}
        : { loginFailures: this.clearLoginFailuresPart(effects.clearLoginFailures) }),
    };
  }

  async getById(id: string): Promise<StoredUser | undefined> {
    const { Item } = await orUnavailable(
      this.client.send(new GetCommand({ TableName: this.tableName, Key: userKey(id), ConsistentRead: true })),
    );
    return Item && isUserItem(Item) ? userFromItem(Item) : undefined;
  }

  async getByEmail(email: string): Promise<StoredUser | undefined> {
    const { Item: guard } = await orUnavailable(
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: emailGuardKey(email), ConsistentRead: true }),
      ),
    );
    // The second read happens for an unknown email too (it finds no user), so that the time of a
    // look-up does not tell whether an account exists.
    const found = await this.getById(guard ? ownerOfGuard(guard) : emailGuardKey(email).id);
    return guard ? found : undefined;
  }

  async create(user: StoredUser, effects?: WriteEffects): Promise<void> {
    await writeTransaction(
      this.client,
      {
        user: { Put: { TableName: this.tableName, Item: itemFromUser(user), ...isAbsent } },
        guard: this.putGuard(user),
        ...this.effectParts(effects),
      },
      { guard: () => new EmailTakenError() },
    );
  }

  async replace(previous: StoredUser, next: StoredUser, effects?: WriteEffects): Promise<void> {
    const putUser = { TableName: this.tableName, Item: itemFromUser(next), ...isAtVersion(previous.version) };
    const extra = this.effectParts(effects);
    if (previous.email === next.email && Object.keys(extra).length > 0) {
      await writeTransaction(
        this.client,
        { user: { Put: putUser }, ...extra },
        { user: () => new StaleVersionError(), ...SPENT },
      );
      return;
    }
    if (previous.email === next.email) {
      try {
        await orUnavailable(this.client.send(new PutCommand(putUser)));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new StaleVersionError();
        throw error;
      }
      return;
    }
    // One transaction may not touch an item twice, hence the guards only when the email moves.
    await writeTransaction(
      this.client,
      {
        user: { Put: putUser },
        oldGuard: this.deleteGuard(previous),
        newGuard: this.putGuard(next),
        ...extra,
      },
      { user: () => new StaleVersionError(), newGuard: () => new EmailTakenError(), ...SPENT },
    );
  }

  async delete(user: StoredUser): Promise<void> {
    await writeTransaction(
      this.client,
      {
        user: { Delete: { TableName: this.tableName, Key: userKey(user.id), ...isAtVersion(user.version) } },
        guard: this.deleteGuard(user),
      },
      { user: () => new StaleVersionError() },
    );
  }

  async recordLogin(id: string, at: string): Promise<StoredUser | undefined> {
    try {
      const { Attributes } = await orUnavailable(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: userKey(id),
            ...recordLoginUpdate(at),
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
    let startKey: Record<string, unknown> | undefined =
      position === undefined ? undefined : keyOfPosition(position);
    const users: User[] = [];
    do {
      const page = await orUnavailable(
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
    return { users, nextPosition: startKey ? positionOfKey(startKey) : null };
  }

  async getLoginFailures(email: string, client: string): Promise<LoginThrottleState> {
    const read = (Key: Record<string, string>) =>
      orUnavailable(
        this.client.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true })),
      );
    const [fromClient, account] = await Promise.all([
      read(clientFailuresKey(email, client)),
      read(accountFailuresKey(email)),
    ]);
    return {
      client: fromClient.Item ? loginFailuresFromItem(fromClient.Item) : undefined,
      account: account.Item ? accountFailuresFromItem(account.Item) : undefined,
    };
  }

  async addLoginFailure(failure: LoginFailure): Promise<LoginThrottleState> {
    const [client, account] = await Promise.all([
      this.addClientFailure(failure),
      this.addAccountFailure(failure),
    ]);
    return { client, account };
  }

  async clearClientLoginFailures(email: string, client: string): Promise<void> {
    await orUnavailable(
      this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: clientFailuresKey(email, client) }),
      ),
    );
  }

  async clearLoginFailures(email: string, at: string, keepForSeconds: number): Promise<void> {
    await orUnavailable(
      this.client.send(new UpdateCommand(this.clearLoginFailuresPart({ email, at, keepForSeconds }).Update)),
    );
  }

  /** Stamps `cleared_at` on the account's record: every client's failures before it are forgotten. */
  private clearLoginFailuresPart({ email, at, keepForSeconds }: ClearLoginFailures) {
    const expiresAt = Math.floor(Date.parse(at) / 1000) + keepForSeconds;
    return {
      Update: {
        TableName: this.tableName,
        Key: accountFailuresKey(email),
        ...clearAccountUpdate(at, expiresAt),
      },
    };
  }

  private async addClientFailure({ email, client, at, clearedAt, keepForSeconds }: LoginFailure) {
    const nowEpoch = Math.floor(Date.parse(at) / 1000);
    const expiresAt = nowEpoch + keepForSeconds;
    try {
      const { Attributes = {} } = await orUnavailable(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: clientFailuresKey(email, client),
            ...addFailureUpdate(at, nowEpoch, expiresAt, clearedAt),
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return loginFailuresFromItem(Attributes);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const first = firstFailureItem(email, client, at, expiresAt);
      await orUnavailable(this.client.send(new PutCommand({ TableName: this.tableName, Item: first })));
      return loginFailuresFromItem(first);
    }
  }

  private async addAccountFailure({ email, at, keepForSeconds, windowSeconds }: LoginFailure) {
    const expiresAt = Math.floor(Date.parse(at) / 1000) + keepForSeconds;
    const windowFloor = new Date(Date.parse(at) - windowSeconds * 1000).toISOString();
    const update = async (expression: object) => {
      const { Attributes = {} } = await orUnavailable(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: accountFailuresKey(email),
            ...expression,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return accountFailuresFromItem(Attributes);
    };
    const count = () => update(addAccountFailureUpdate(at, windowFloor, expiresAt));
    // Count in the open window; else open one; else another failure just opened it: count in it.
    return count().catch(
      ifConditionFailed(() =>
        update(openAccountWindowUpdate(at, windowFloor, expiresAt)).catch(ifConditionFailed(count)),
      ),
    );
  }

  private putGuard(user: StoredUser): TransactionPart {
    return { Put: { TableName: this.tableName, Item: emailGuardItem(user), ...isAbsent } };
  }

  private deleteGuard(user: StoredUser): TransactionPart {
    return { Delete: { TableName: this.tableName, Key: emailGuardKey(user.email), ...isOwnedBy(user.id) } };
  }
}
