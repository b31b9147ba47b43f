// The users repository on DynamoDB: the domain's UserRepository port, built from the item
// modules in items/ (keys and layouts live there, not here). One table holds every item kind,
// told apart by key; a user and its email guard are only ever written together, in one
// transaction, and every write carries the audit events that record it (WriteOptions) in that
// same transaction, with the active-admin counter when the write changes the active admins.
// The other items a user write touches have their own modules: email-guards.ts, admin-counter.ts,
// login-failure-repository.ts, mail-effects.ts.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, WriteOptions } from '../audit/event';
import { InvalidTokenError } from '../mail/errors';
import type { MailEffects, MailingUserRepository } from '../mail/repository';
import type { UserSessionRepository } from '../sessions/repository';
import type { Session } from '../sessions/session';
import { type Clock, type IdSource, randomIds, systemClock } from '../shared/clock';
import { EmailTakenError, LastAdminError } from '../users/errors';
import {
  type ClearFailures,
  StaleVersionError,
  type UserListQuery,
  type UserPage,
  type UserWriteOptions,
  type WriteEffects,
} from '../users/repository';
import type { StoredUser } from '../users/user';
import { AdminCounter } from './admin-counter';
import { deleteGuard, guardOwner, putGuard } from './email-guards';
import { accountFailuresKey, clearAccountUpdate } from './items/login-failure-items';
import { isNewSession, itemFromSession } from './items/session-items';
import {
  emailGuardKey,
  isAbsent,
  isAtVersion,
  isUserItem,
  itemFromUser,
  profileFromItem,
  recordLoginUpdate,
  userFromItem,
  userKey,
} from './items/user-items';
import { listingPartitions } from './items/user-listing-items';
import { mailEffectParts } from './mail-effects';
import { afterOfPosition, queryShards } from './sharded-query';
import { usersTable } from './table-definition';
import { TableRepository, type TableRepositoryOptions } from './table-repository';
import { type TransactionPart, writeTransaction } from './transactions';
import { orUnavailable } from './unavailable';

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
  private readonly admins: AdminCounter;

  constructor(options: DynamoDbUserRepositoryOptions) {
    super(options);
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomIds;
    this.admins = new AdminCounter(this.tableName, this.client);
  }

  /** The named parts a write's effects add to its transaction. */
  private effectParts(effects: (WriteEffects & MailEffects) | undefined): Parts {
    if (!effects) return {};
    return {
      ...mailEffectParts(this.tableName, effects, this.newId, this.clock),
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
    const owner = await guardOwner(this.client, this.tableName, email);
    // The second read happens for an unknown email too (it finds no user), so that the time of a
    // look-up does not tell whether an account exists.
    const found = await this.getById(owner ?? emailGuardKey(email).id);
    return owner ? found : undefined;
  }

  async create(user: StoredUser, options: UserWriteOptions & MailEffects = {}): Promise<void> {
    await this.write(
      {
        user: { Put: { TableName: this.tableName, Item: itemFromUser(user), ...isAbsent } },
        newGuard: putGuard(this.tableName, user),
        ...(await this.admins.change(undefined, user)),
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
    const admins = await this.admins.change(previous, next);
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
        : { oldGuard: deleteGuard(this.tableName, previous), newGuard: putGuard(this.tableName, next) };
    await this.write({ user: { Put: putUser }, ...guards, ...admins, ...extra }, events);
  }

  async delete(
    user: StoredUser,
    options: WriteOptions & { readonly clearFailures?: ClearFailures } = {},
  ): Promise<void> {
    await this.write(
      {
        user: { Delete: { TableName: this.tableName, Key: userKey(user.id), ...isAtVersion(user.version) } },
        oldGuard: deleteGuard(this.tableName, user),
        // The account record, not deleted: its cleared_at is what retires the per-client records.
        ...(options.clearFailures && {
          clearFailures: { Update: this.clearAccount(user.email, options.clearFailures) },
        }),
        // The user's sessions die with it (authenticate finds no user behind them); their items,
        // unbounded in number, are removed after this transaction (deleteUser). Events stay.
        ...(await this.admins.change(user, undefined)),
      },
      options.events,
    );
  }

  async recordLogin(
    user: StoredUser,
    at: string,
    options: WriteOptions & { readonly session?: Session } = {},
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

  /**
   * The update that forgets every failed login of the account as of `at`, a part of a user write
   * (the login-attempt records: login-failure-repository.ts).
   */
  private clearAccount(email: string, { at, keepForSeconds }: ClearFailures) {
    return {
      TableName: this.tableName,
      Key: accountFailuresKey(email),
      ...clearAccountUpdate(at, Math.floor(Date.parse(at) / 1000) + keepForSeconds),
    };
  }

  /** The parts and the events that record them, all or nothing. */
  private async write(parts: Parts, events: readonly AuditEvent[] = []): Promise<void> {
    await writeTransaction(this.client, { ...parts, ...this.audit.parts(events) }, CONDITION_ERRORS);
  }
}
