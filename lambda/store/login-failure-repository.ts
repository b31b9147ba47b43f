// The failed-login items: one per client and email, one per account (its ceiling and its
// `cleared_at`). Counted by compare-and-set so that concurrent failures each count and each
// knows its own count.
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../audit/event';
import { type ClearFailures, type LoginFailure, StaleVersionError } from '../users/repository';
import type { LoginThrottleState } from '../users/user';
import type { Item } from './attributes';
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
import type { TransactionPart } from './transactions';
import { orUnavailable } from './unavailable';

/** Rounds of a failed-login compare-and-set before giving up (each lost round is another failure counted). */
const MAX_FAILURE_ATTEMPTS = 30;

/** A write of named parts and the events that record them, all or nothing (the users repository's). */
export type Write = (parts: Record<string, TransactionPart>, events?: readonly AuditEvent[]) => Promise<void>;

export class DynamoDbLoginFailures {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
    private readonly write: Write,
  ) {}

  async get(email: string, client: string): Promise<LoginThrottleState> {
    const [fromClient, account] = await Promise.all([
      this.readConsistent(clientFailuresKey(email, client)),
      this.readConsistent(accountFailuresKey(email)),
    ]);
    return {
      client: fromClient ? loginFailuresFromItem(fromClient) : undefined,
      account: account ? accountFailuresFromItem(account) : undefined,
    };
  }

  async add(
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

  async clearClient(email: string, client: string): Promise<void> {
    await orUnavailable(
      this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: clientFailuresKey(email, client) }),
      ),
    );
  }

  async clear(email: string, at: string, keepForSeconds: number): Promise<void> {
    await orUnavailable(
      this.client.send(new UpdateCommand(this.clearAccount(email, { at, keepForSeconds }))),
    );
  }

  /** The update that clears every failure of the account as of `at`: a part of another write too. */
  clearAccount(email: string, { at, keepForSeconds }: ClearFailures) {
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
}
