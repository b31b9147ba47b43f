// The second factor's repository on DynamoDB: the domain's MfaRepository port over the factor
// and challenge item modules. Enabling and removing a factor move the user's `mfa_enabled` in
// the same transaction; completing a login consumes the challenge and the code in one.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WriteOptions } from '../audit/event';
import type { OutboxMail } from '../mail/mail';
import { epochSeconds, type MfaChallenge, type TotpFactor } from '../mfa/factor';
import {
  ChallengeGoneError,
  CodeUsedError,
  FactorChangedError,
  FactorEnabledError,
  type MfaRepository,
} from '../mfa/repository';
import type { Clock, IdSource } from '../shared/clock';
import {
  claimCodeUpdate,
  isLiveChallengeOf,
  mfaChallengeFromItem,
  mfaChallengeItem,
  mfaChallengeKey,
} from './items/mfa-challenge-items';
import {
  acceptStepUpdate,
  enableUpdate,
  isNotEnabled,
  pendingFactorItem,
  replaceRecoveryHashesUpdate,
  totpFactorFromItem,
  totpFactorKey,
  useRecoveryCodeUpdate,
} from './items/totp-factor-items';
import { setMfaEnabledUpdate, userKey } from './items/user-items';
import { mailEffectParts } from './mail-effects';
import { TableRepository, type TableRepositoryOptions } from './table-repository';
import { type TransactionPart, writeTransaction } from './transactions';
import { orUnavailable } from './unavailable';

export interface DynamoDbMfaRepositoryOptions extends TableRepositoryOptions {
  /** For the outbox items a write carries (the notice of an enabled factor). */
  readonly clock: Clock;
  readonly newId: IdSource;
}

/** Runs a single conditional write; a failed condition becomes `toError()`. */
const conditionally = async (write: Promise<unknown>, toError: () => Error): Promise<void> => {
  try {
    await orUnavailable(write);
  } catch (error) {
    throw error instanceof ConditionalCheckFailedException ? toError() : error;
  }
};

export class DynamoDbMfaRepository extends TableRepository implements MfaRepository {
  private readonly clock: Clock;
  private readonly newId: IdSource;

  constructor(options: DynamoDbMfaRepositoryOptions) {
    super(options);
    this.clock = options.clock;
    this.newId = options.newId;
  }

  async getFactor(userId: string): Promise<TotpFactor | undefined> {
    const Item = await this.get(totpFactorKey(userId));
    return Item ? totpFactorFromItem(Item) : undefined;
  }

  async putPending(factor: TotpFactor): Promise<void> {
    await conditionally(
      this.client.send(
        new PutCommand({ TableName: this.tableName, Item: pendingFactorItem(factor), ...isNotEnabled }),
      ),
      () => new FactorEnabledError(),
    );
  }

  async enable(
    userId: string,
    step: number,
    recoveryHashes: readonly string[],
    now: Date,
    options: WriteOptions & { readonly mails?: readonly OutboxMail[] } = {},
  ): Promise<void> {
    await writeTransaction(
      this.client,
      {
        factor: this.update(totpFactorKey(userId), enableUpdate(step, recoveryHashes, epochSeconds(now))),
        user: this.update(userKey(userId), setMfaEnabledUpdate(true, now.toISOString())),
        ...this.audit.parts(options.events),
        ...mailEffectParts(this.tableName, { mails: options.mails ?? [] }, this.newId, this.clock),
      },
      { factor: () => new FactorChangedError(), user: () => new FactorChangedError() },
    );
  }

  async remove(userId: string, now: Date, options: WriteOptions = {}): Promise<void> {
    await writeTransaction(
      this.client,
      {
        factor: { Delete: { TableName: this.tableName, Key: totpFactorKey(userId) } },
        user: this.update(userKey(userId), setMfaEnabledUpdate(false, now.toISOString())),
        ...this.audit.parts(options.events),
      },
      { user: () => new FactorChangedError() },
    );
  }

  async replaceRecoveryCodes(
    userId: string,
    recoveryHashes: readonly string[],
    options: WriteOptions = {},
  ): Promise<void> {
    await writeTransaction(
      this.client,
      {
        factor: this.update(totpFactorKey(userId), replaceRecoveryHashesUpdate(recoveryHashes)),
        ...this.audit.parts(options.events),
      },
      { factor: () => new FactorChangedError() },
    );
  }

  async useCode(userId: string, step: number): Promise<void> {
    await this.useOnce(acceptStepUpdate(step), userId);
  }

  async useRecoveryCode(userId: string, recoveryHash: string): Promise<void> {
    await this.useOnce(useRecoveryCodeUpdate(recoveryHash), userId);
  }

  private async useOnce(update: object, userId: string): Promise<void> {
    await conditionally(
      this.client.send(
        new UpdateCommand({ TableName: this.tableName, Key: totpFactorKey(userId), ...update }),
      ),
      () => new CodeUsedError(),
    );
  }

  async createChallenge(challenge: MfaChallenge): Promise<void> {
    await orUnavailable(
      this.client.send(new PutCommand({ TableName: this.tableName, Item: mfaChallengeItem(challenge) })),
    );
  }

  async getChallenge(tokenHash: string): Promise<MfaChallenge | undefined> {
    const Item = await this.get(mfaChallengeKey(tokenHash));
    return Item ? mfaChallengeFromItem(tokenHash, Item) : undefined;
  }

  async claimCode(tokenHash: string, now: Date): Promise<boolean> {
    try {
      await orUnavailable(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: mfaChallengeKey(tokenHash),
            ...claimCodeUpdate(epochSeconds(now)),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async completeWithCode(challenge: MfaChallenge, step: number, now: Date): Promise<void> {
    await this.complete(challenge, now, this.update(totpFactorKey(challenge.userId), acceptStepUpdate(step)));
  }

  async completeWithRecoveryCode(challenge: MfaChallenge, recoveryHash: string, now: Date): Promise<void> {
    await this.complete(
      challenge,
      now,
      this.update(totpFactorKey(challenge.userId), useRecoveryCodeUpdate(recoveryHash)),
    );
  }

  private complete(challenge: MfaChallenge, now: Date, useCode: TransactionPart): Promise<void> {
    return writeTransaction(
      this.client,
      {
        challenge: {
          Delete: {
            TableName: this.tableName,
            Key: mfaChallengeKey(challenge.tokenHash),
            ...isLiveChallengeOf(challenge.userId, epochSeconds(now)),
          },
        },
        code: useCode,
      },
      { challenge: () => new ChallengeGoneError(), code: () => new CodeUsedError() },
    );
  }

  private async get(Key: Record<string, string>) {
    const { Item } = await orUnavailable(
      this.client.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true })),
    );
    return Item;
  }

  private update(Key: Record<string, string>, update: object): TransactionPart {
    return { Update: { TableName: this.tableName, Key, ...update } } as TransactionPart;
  }
}
