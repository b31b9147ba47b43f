// The login-attempt port (users/login-attempts.ts) on DynamoDB: every claim, failure and give-back
// is one conditional UpdateItem (or DeleteItem) on one item, never a transaction, so a burst at
// one account serialises on the item instead of cancelling transactions. A claim reads the
// records first to choose its update; when another claim changed them meanwhile, the guard
// fails and the claim is decided again on the state that won.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AttemptClaim,
  AttemptRefused,
  ClaimOutcome,
  ClaimRequest,
  LoginAttempts,
} from '../users/login-attempts';
import type { Item } from './attributes';
import {
  accountClaim,
  accountFailuresKey,
  accountWindowClaim,
  accountWindowOf,
  addSeconds,
  clearAccountUpdate,
  clearedAtOf,
  clientFailuresKey,
  clientRecordOf,
  epochOf as epoch,
  failedUpdate,
  freeClaim,
  giveBackAccountUpdate,
  giveBackClientUpdate,
  heldClaim,
  MAX_CLAIM_ROUNDS,
  restartClaim,
  secondsBetween,
} from './items/login-failure-items';
import { orUnavailable } from './unavailable';

export class DynamoDbLoginAttempts implements LoginAttempts {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const key = clientFailuresKey(request.email, request.client);
    const [account, fromClient] = await Promise.all([
      this.read(accountFailuresKey(request.email)),
      this.read(key),
    ]);
    const client = await this.claimClient(request, clearedAtOf(account), fromClient);
    if ('refused' in client || request.ceiling === undefined) return client;
    const counted = await this.claimAccount(request, request.ceiling, account);
    if ('refused' in counted) {
      await this.giveBack(client.claimed, { clearClient: false });
      return counted;
    }
    return { claimed: { ...client.claimed, ...counted } };
  }

  async failed(claim: AttemptClaim, lockedUntil: string | undefined): Promise<void> {
    await this.conditionally(
      clientFailuresKey(claim.email, claim.client),
      failedUpdate(claim.at, lockedUntil, epoch(claim.at) + claim.keepForSeconds),
    );
  }

  async giveBack(claim: AttemptClaim, { clearClient }: { readonly clearClient: boolean }): Promise<void> {
    const key = clientFailuresKey(claim.email, claim.client);
    await Promise.all([
      claim.windowStartedAt === undefined
        ? undefined
        : this.conditionally(accountFailuresKey(claim.email), giveBackAccountUpdate(claim.windowStartedAt)),
      clearClient
        ? orUnavailable(this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key })))
        : this.conditionally(key, giveBackClientUpdate(claim.heldUntil)).then(async (done) => {
            // The hold was already replaced (it outlived its check): give back the count alone.
            if (!done && claim.heldUntil !== undefined)
              await this.conditionally(key, giveBackClientUpdate(undefined));
          }),
    ]);
  }

  async clearAccount(email: string, at: string, keepForSeconds: number): Promise<void> {
    await this.update(accountFailuresKey(email), clearAccountUpdate(at, epoch(at) + keepForSeconds));
  }

  /** The update that clears every failure of the account as of `at`: a part of another write too. */
  clearAccountPart(
    email: string,
    { at, keepForSeconds }: { readonly at: string; readonly keepForSeconds: number },
  ) {
    return {
      TableName: this.tableName,
      Key: accountFailuresKey(email),
      ...clearAccountUpdate(at, epoch(at) + keepForSeconds),
    };
  }

  private async claimClient(
    request: ClaimRequest,
    cleared: string,
    first: Item | undefined,
  ): Promise<{ readonly claimed: AttemptClaim } | { readonly refused: AttemptRefused }> {
    const key = clientFailuresKey(request.email, request.client);
    const now = epoch(request.at);
    const expiresAt = now + request.keepForSeconds;
    const holdUntil = addSeconds(request.at, request.holdSeconds);
    const base = {
      email: request.email,
      client: request.client,
      at: request.at,
      keepForSeconds: request.keepForSeconds,
    };
    let item = first;
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round++) {
      const record = clientRecordOf(item, cleared, now);
      if (
        record.live &&
        record.count >= request.free &&
        record.heldUntil !== undefined &&
        record.heldUntil > request.at
      )
        return {
          refused: { scope: 'client', retryAfterSeconds: secondsBetween(request.at, record.heldUntil) },
        };
      const held = record.live && record.count >= request.free;
      const updated = await this.conditionally(
        key,
        !record.live
          ? restartClaim(cleared, now, expiresAt)
          : held
            ? heldClaim(cleared, request.free, { at: request.at, holdUntil }, now, expiresAt)
            : freeClaim(cleared, request.free, now, expiresAt),
      );
      if (updated) {
        const count = typeof updated.failure_count === 'number' ? updated.failure_count : 1;
        return { claimed: { ...base, count, ...(held && { heldUntil: holdUntil }) } };
      }
      item = await this.read(key);
    }
    return { refused: { scope: 'client', retryAfterSeconds: 1 } };
  }

  private async claimAccount(
    request: ClaimRequest,
    ceiling: NonNullable<ClaimRequest['ceiling']>,
    first: Item | undefined,
  ): Promise<
    { readonly accountCount: number; readonly windowStartedAt: string } | { readonly refused: AttemptRefused }
  > {
    const key = accountFailuresKey(request.email);
    const floor = addSeconds(request.at, -ceiling.windowSeconds);
    const expiresAt = epoch(request.at) + request.keepForSeconds;
    let account = first;
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round++) {
      const window = accountWindowOf(account, floor);
      if (window.open && window.count >= ceiling.limit) {
        const end = addSeconds(window.startedAt, ceiling.windowSeconds);
        return { refused: { scope: 'account', retryAfterSeconds: secondsBetween(request.at, end) } };
      }
      const updated = await this.conditionally(
        key,
        window.open
          ? accountClaim(window.startedAt, ceiling.limit, expiresAt)
          : accountWindowClaim(request.at, floor, expiresAt),
      );
      if (updated) {
        return {
          accountCount: typeof updated.failure_count === 'number' ? updated.failure_count : 1,
          windowStartedAt: window.open ? window.startedAt : request.at,
        };
      }
      account = await this.read(key);
    }
    return { refused: { scope: 'account', retryAfterSeconds: 1 } };
  }

  /** One conditional update: the item as it is now, or undefined when the guard did not hold. */
  private async conditionally(Key: Record<string, string>, update: object): Promise<Item | undefined> {
    try {
      return await this.update(Key, update);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private async update(Key: Record<string, string>, update: object): Promise<Item> {
    const { Attributes } = await orUnavailable(
      this.client.send(
        new UpdateCommand({ TableName: this.tableName, Key, ...update, ReturnValues: 'ALL_NEW' }),
      ),
    );
    return Attributes ?? {};
  }

  private async read(Key: Record<string, string>): Promise<Item | undefined> {
    const { Item } = await orUnavailable(
      this.client.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true })),
    );
    return Item;
  }
}
