// The users repository on DynamoDB: the domain's UserRepository port, built from the item
// modules in items/ (keys and layouts live there, not here). One table holds every item kind,
// told apart by key; a user and its email guard are only ever written together, in one
// transaction, and every write carries the audit events that record it (WriteOptions) in that
// same transaction, with the active-admin counter when the write changes the active admins.
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, WriteOptions } from '../audit/event';
import { InvalidTokenError } from '../mail/errors';
import type { MailEffects, MailingUserRepository } from '../mail/repository';
import type { UserSessionRepository } from '../sessions/repository';
import type { Session } from '../sessions/session';
import { type Clock, type IdSource, randomIds, systemClock } from '../shared/clock';
import { EmailTakenError, LastAdminError } from '../users/errors';
import {
  type ClearFailures,
  type LoginFailure,
  StaleVersionError,
  type UserListQuery,
  type UserPage,
  type UserWriteOptions,
  type WriteEffects,
} from '../users/repository';
import { isActiveAdmin, type LoginThrottleState, type StoredUser } from '../users/user';
import type { Item } from './attributes';
import { addAdmin, adminCounterItem, adminCounterKey, removeAdmin } from './items/admin-counter-items';
import {
  accountFailuresFromItem,
  accountFailuresKey,
  clearAccountUpdate,
  clientFailuresKey,
  loginFailuresFromItem,
  nextFailureCounts,
  putAccountFailure,
  putClientFailure,
} from './items/login-failure-items';
import { newTokenParts, outboxParts, spendTokenParts } from './items/mail-items';
import { isNewSession, itemFromSession } from './items/session-items';
import {
  emailGuardItem,
  emailGuardKey,
  isAbsent,
  isAtVersion,
  isOwnedBy,
  isUserItem,
  itemFromUser,
  ownerOfGuard,
  profileFromItem,
  recordLoginUpdate,
  userFromItem,
  userKey,
} from './items/user-items';
import { listingPartitions } from './items/user-listing-items';
import { afterOfPosition, queryShards } from './sharded-query';
import { usersTable } from './table-definition';
import { TableRepository, type TableRepositoryOptions } from './table-repository';
import { type TransactionPart, writeTransaction } from './transactions';
import { orUnavailable } from './unavailable';

/** Rounds of a failed-login compare-and-set before giving up (each lost round is another failure counted). */
const MAX_FAILURE_ATTEMPTS = 30;

export interface DynamoDbUserRepositoryOptions extends TableRepositoryOptions {
  /** When outbox items are stamped, and their ids. */
  readonly clock?: Clock;
  readonly newId?: IdSource;
}

type Parts = Record<string, TransactionPart>;

/** What a failed condition of each named part means to the domain. */
const CONDITION_ERRORS = {
  user: () => new StaleVersionError(),
  login: () => new StaleVersionError(),
  failures: () => new StaleVersionError(),
  accountFailures: () => new StaleVersionError(),
  newGuard: () => new EmailTakenError(),
  admins: () => new LastAdminError(),
  session: () => new StaleVersionError(),
  // A spent token's parts: when their condition fails, the token was used, voided or expired.
  spentToken: () => new InvalidTokenError(),
  spentPointer: () => new InvalidTokenError(),
};

export class DynamoDbUserRepository
  extends TableRepository
  implements UserSessionRepository, MailingUserRepository
{
  private readonly clock: Clock;
  private readonly newId: IdSource;
  /** Set once the active-admin counter is known to exist (it is never deleted). */
  private adminCounterReady = false;

  constructor(options: DynamoDbUserRepositoryOptions) {
    super(options);
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomIds;
  }

  /** The named parts a write's effects add to its transaction. */
  private effectParts(effects: (WriteEffects & MailEffects) | undefined): Parts {
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
        : {
            loginFailures: {
              Update: this.clearAccount(effects.clearLoginFailures.email, effects.clearLoginFailures),
            },
          }),
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

  async create(user: StoredUser, options: UserWriteOptions & MailEffects = {}): Promise<void> {
    await this.write(
      {
        user: { Put: { TableName: this.tableName, Item: itemFromUser(user), ...isAbsent } },
        newGuard: this.putGuard(user),
        ...(await this.adminChange(undefined, user)),
        ...this.effectParts(options),
      },
      options.events,
    );
  }

  async replace(
    previous: StoredUser,
    next: StoredUser,
    options: UserWriteOptions & MailEffects = {},
  ): Promise<void> {
    const putUser = { TableName: this.tableName, Item: itemFromUser(next), ...isAtVersion(previous.version) };
    const admins = await this.adminChange(previous, next);
    const extra = this.effectParts(options);
    const events = options.events ?? [];
    if (
      previous.email === next.email &&
      Object.keys(admins).length === 0 &&
      Object.keys(extra).length === 0 &&
      events.length === 0
    ) {
      try {
        await orUnavailable(this.client.send(new PutCommand(putUser)));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new StaleVersionError();
        throw error;
      }
      return;
    }
    // One transaction may not touch an item twice, hence the guards only when the email moves.
    const guards: Parts =
      previous.email === next.email
        ? {}
        : { oldGuard: this.deleteGuard(previous), newGuard: this.putGuard(next) };
    await this.write({ user: { Put: putUser }, ...guards, ...admins, ...extra }, events);
  }

  async delete(
    user: StoredUser,
    options: WriteOptions & { readonly clearFailures?: ClearFailures } = {},
  ): Promise<void> {
    await this.write(
      {
        user: { Delete: { TableName: this.tableName, Key: userKey(user.id), ...isAtVersion(user.version) } },
        oldGuard: this.deleteGuard(user),
        // The account record, not deleted: its cleared_at is what retires the per-client records.
        ...(options.clearFailures && {
          clearFailures: { Update: this.clearAccount(user.email, options.clearFailures) },
        }),
        // The user's sessions die with it (authenticate finds no user behind them); their items,
        // unbounded in number, are removed after this transaction (deleteUser). Events stay.
        ...(await this.adminChange(user, undefined)),
      },
      options.events,
    );
  }

  async recordLogin(
    user: StoredUser,
    at: string,
    options: WriteOptions & {
      readonly clearClient?: string | undefined;
      readonly clearFailures?: ClearFailures | undefined;
      readonly session?: Session;
    } = {},
  ): Promise<StoredUser | undefined> {
    try {
      await this.write(
        {
          login: { Update: { TableName: this.tableName, Key: userKey(user.id), ...recordLoginUpdate(at) } },
          ...(options.session !== undefined && {
            session: {
              Put: { TableName: this.tableName, Item: itemFromSession(options.session), ...isNewSession },
            },
          }),
          ...(options.clearClient !== undefined && {
            clearFailures: {
              Delete: { TableName: this.tableName, Key: clientFailuresKey(user.email, options.clearClient) },
            },
          }),
          ...(options.clearFailures !== undefined && {
            clearAccountFailures: { Update: this.clearAccount(user.email, options.clearFailures) },
          }),
        },
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
    const page = await orUnavailable(
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
    return { users: page.items.map(profileFromItem), nextPosition: page.nextPosition };
  }

  async getLoginFailures(email: string, client: string): Promise<LoginThrottleState> {
    const [fromClient, account] = await Promise.all([
      this.readConsistent(clientFailuresKey(email, client)),
      this.readConsistent(accountFailuresKey(email)),
    ]);
    return {
      client: fromClient ? loginFailuresFromItem(fromClient) : undefined,
      account: account ? accountFailuresFromItem(account) : undefined,
    };
  }

  async addLoginFailure(
    failure: LoginFailure,
    eventsFor: (state: LoginThrottleState) => readonly AuditEvent[] = () => [],
  ): Promise<LoginThrottleState> {
    const { email, client } = failure;
    // One transaction: both counts and the events that record them (login.failed, login.locked).
    // A transaction returns no values, so an ADD could not tell this failure its count: it is a
    // compare-and-set on both records instead, retried on the state it lost to, so concurrent
    // failures each count (as ADD did) and each knows its own count.
    for (let attempt = 1; ; attempt++) {
      const [fromClient, account] = await Promise.all([
        this.readConsistent(clientFailuresKey(email, client)),
        this.readConsistent(accountFailuresKey(email)),
      ]);
      const next = nextFailureCounts(failure, fromClient, account);
      const state = {
        client: loginFailuresFromItem(next.client),
        account: accountFailuresFromItem(next.account),
      };
      try {
        await this.write(
          {
            failures: { Put: { TableName: this.tableName, ...putClientFailure(next.client, fromClient) } },
            accountFailures: {
              Put: { TableName: this.tableName, ...putAccountFailure(next.account, account) },
            },
          },
          eventsFor(state),
        );
        return state;
      } catch (error) {
        const lost =
          error instanceof StaleVersionError ||
          error instanceof TransactionConflictException ||
          error instanceof TransactionCanceledException;
        if (!lost || attempt >= MAX_FAILURE_ATTEMPTS) throw error;
        // Another failure (or a clear) wrote first: back off a little, re-read, count on its state.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 5)));
      }
    }
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
      this.client.send(new UpdateCommand(this.clearAccount(email, { at, keepForSeconds }))),
    );
  }

  private clearAccount(email: string, { at, keepForSeconds }: ClearFailures) {
    const expiresAt = Math.floor(Date.parse(at) / 1000) + keepForSeconds;
    return {
      TableName: this.tableName,
      Key: accountFailuresKey(email),
      ...clearAccountUpdate(at, expiresAt),
    };
  }

  private async readConsistent(Key: Record<string, string>): Promise<Item | undefined> {
    const { Item } = await orUnavailable(
      this.client.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true })),
    );
    return Item;
  }

  private putGuard(user: StoredUser): TransactionPart {
    return { Put: { TableName: this.tableName, Item: emailGuardItem(user), ...isAbsent } };
  }

  private deleteGuard(user: StoredUser): TransactionPart {
    return { Delete: { TableName: this.tableName, Key: emailGuardKey(user.email), ...isOwnedBy(user.id) } };
  }

  /** The counter update a write from `before` to `after` needs, if it changes the active admins. */
  private async adminChange(before: StoredUser | undefined, after: StoredUser | undefined): Promise<Parts> {
    const was = before !== undefined && isActiveAdmin(before);
    const is = after !== undefined && isActiveAdmin(after);
    if (was === is) return {};
    await this.ensureAdminCounter();
    return {
      admins: {
        Update: { TableName: this.tableName, Key: adminCounterKey, ...(is ? addAdmin : removeAdmin) },
      },
    };
  }

  /**
   * A table written before the counter existed has none: count the active admins once (from the
   * email index, which projects role and status) and create it. A table created by this code has
   * it from its first admin on. Writes racing this one-off count are the only window for drift.
   */
  private async ensureAdminCounter(): Promise<void> {
    if (this.adminCounterReady) return;
    const { Item } = await orUnavailable(
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: adminCounterKey, ConsistentRead: true }),
      ),
    );
    if (!Item) {
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
      try {
        await orUnavailable(
          this.client.send(
            new PutCommand({ TableName: this.tableName, Item: adminCounterItem(count), ...isAbsent }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    this.adminCounterReady = true;
  }

  /** The parts and the events that record them, all or nothing. */
  private async write(parts: Parts, events: readonly AuditEvent[] = []): Promise<void> {
    await writeTransaction(this.client, { ...parts, ...this.audit.parts(events) }, CONDITION_ERRORS);
  }
}
