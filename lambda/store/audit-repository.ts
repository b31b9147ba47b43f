// Audit events on DynamoDB: the writer other repositories put into their transactions (so a
// change and its event are one write), and the newest-first reads of the AuditRepository port.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../audit/event';
import type { AuditRepository, EventPage, EventQuery } from '../audit/repository';
import { eventFromItem, eventPartitions, itemFromEvent } from './items/audit-event-items';
import { afterOfPosition, queryShards } from './sharded-query';
import { type IndexDefinition, usersTable } from './table-definition';
import { type TransactionPart, writeTransaction } from './transactions';
import { orUnavailable } from './unavailable';

export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

/** The transaction parts that write events; any repository's write may carry them. */
export class AuditEventWriter {
  constructor(
    private readonly tableName: string,
    private readonly retentionDays: number = DEFAULT_AUDIT_RETENTION_DAYS,
  ) {}

  /** Named `event0`, `event1`…, to sit beside a write's own named parts. */
  parts(events: readonly AuditEvent[] = []): Record<string, TransactionPart> {
    return Object.fromEntries(
      events.map((event, index) => [
        `event${index}`,
        {
          Put: {
            TableName: this.tableName,
            Item: itemFromEvent(event, this.retentionDays * 86_400),
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
      ]),
    );
  }
}

export class DynamoDbAuditRepository implements AuditRepository {
  private readonly writer: AuditEventWriter;

  constructor(
    private readonly options: {
      readonly tableName: string;
      readonly client: DynamoDBDocumentClient;
      readonly retentionDays?: number;
    },
  ) {
    this.writer = new AuditEventWriter(options.tableName, options.retentionDays);
  }

  async record(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await writeTransaction(this.options.client, this.writer.parts(events), {});
  }

  async list(query: EventQuery): Promise<EventPage> {
    const { index, partitions, filter } = this.plan(query);
    const page = await orUnavailable(
      queryShards(this.options.client, {
        tableName: this.options.tableName,
        indexName: index.name,
        partitionKey: index.partitionKey.name,
        partitions,
        sortKey: 'event_sort',
        ascending: false,
        limit: query.limit,
        after: afterOfPosition(query.position),
        filter,
      }),
    );
    return { events: page.items.map(eventFromItem), nextPosition: page.nextPosition };
  }

  /**
   * Each single filter, and user + type, is a key of its own index: O(page). Other combinations
   * key on the most selective filter and filter the rest (user > actor > type), which reads
   * past non-matching events.
   */
  private plan(query: EventQuery): {
    index: IndexDefinition;
    partitions: string[];
    filter: Record<string, string>;
  } {
    const { userId, actorId, type } = query;
    if (userId !== undefined) {
      const actor: Record<string, string> = actorId === undefined ? {} : { actor_id: actorId };
      return type === undefined
        ? { index: usersTable.eventsByUser, partitions: [userId], filter: actor }
        : { index: usersTable.eventsByUserType, partitions: [`${userId}#${type}`], filter: actor };
    }
    if (actorId !== undefined) {
      return {
        index: usersTable.eventsByActor,
        partitions: [actorId],
        filter: type === undefined ? {} : { type },
      };
    }
    if (type !== undefined) {
      return { index: usersTable.eventsByType, partitions: eventPartitions.ofType(type), filter: {} };
    }
    return { index: usersTable.eventsAll, partitions: eventPartitions.all(), filter: {} };
  }
}
