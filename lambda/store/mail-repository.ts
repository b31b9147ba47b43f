// The DynamoDB side of the mail flows' own items (layout in items/mail-items.ts): throttle slots,
// token look-ups, and a token issued together with its mail.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../audit/event';
import type { MailKind, MailToken, OutboxMail, TokenPurpose } from '../mail/mail';
import type { DailyCounter, MailRepository } from '../mail/repository';
import { type Clock, type IdSource, randomIds, systemClock } from '../shared/clock';
import { AuditEventWriter } from './audit-repository';
import {
  dailyCountClaim,
  decoyParts,
  issuedPartCount,
  mailThrottleClaim,
  mailTokenFromItem,
  mailTokenKey,
  newTokenParts,
  outboxParts,
} from './items/mail-items';
import { writeTransaction } from './transactions';
import { orUnavailable } from './unavailable';

export class DynamoDbMailRepository implements MailRepository {
  private readonly audit: AuditEventWriter;

  constructor(
    private readonly options: {
      readonly tableName: string;
      readonly client: DynamoDBDocumentClient;
      /** Retention of the audit events an issued token carries. */
      readonly auditRetentionDays?: number;
      readonly clock?: Clock;
      readonly newId?: IdSource;
    },
  ) {
    this.audit = new AuditEventWriter(options.tableName, options.auditRetentionDays);
  }

  async claimMailSlot(
    kind: MailKind,
    email: string,
    nowEpoch: number,
    windowSeconds: number,
  ): Promise<boolean> {
    try {
      await orUnavailable(
        this.options.client.send(
          new PutCommand({
            TableName: this.options.tableName,
            ...mailThrottleClaim(kind, email, nowEpoch, windowSeconds),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async claimDailyCount(counter: DailyCounter, nowEpoch: number, cap: number): Promise<boolean> {
    try {
      await orUnavailable(
        this.options.client.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            ...dailyCountClaim(counter, nowEpoch, cap),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getToken(hash: string): Promise<MailToken | undefined> {
    const { Item } = await orUnavailable(
      this.options.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: mailTokenKey(hash), ConsistentRead: true }),
      ),
    );
    return Item ? mailTokenFromItem(hash, Item) : undefined;
  }

  async issueNothing(purpose: TokenPurpose, hash: string, nowEpoch: number): Promise<void> {
    const { tableName, client } = this.options;
    const parts = decoyParts(tableName, hash, issuedPartCount(purpose), nowEpoch);
    await writeTransaction(client, parts, {});
  }

  async issueToken(token: MailToken, mail: OutboxMail, events: readonly AuditEvent[]): Promise<void> {
    const { tableName, client } = this.options;
    const [stored, pointer] = newTokenParts(tableName, token);
    const [outbox] = outboxParts(
      tableName,
      [mail],
      this.options.newId ?? randomIds,
      (this.options.clock ?? systemClock)(),
    );
    if (!stored || !outbox) throw new Error('A token and its mail are two parts at least');
    const parts: Record<string, typeof stored> = { stored, outbox };
    if (pointer) parts.pointer = pointer;
    await writeTransaction(client, { ...parts, ...this.audit.parts(events) }, {});
  }
}
