// Item kind: an audit event `event#<id>`. Its key attributes put it into the event indexes
// (table-definition): by user, by user and type, by actor, by type and all events, each sorted
// newest first by `event_sort` = `<at>#<id>`; the type and all-events indexes spread over
// EVENT_SHARDS partitions. `expires_at` is the table's TTL attribute: retention. No attribute
// ever holds a secret (the domain's details are names and reasons).
import { AUDIT_EVENT_TYPES, type AuditDetails, type AuditEvent } from '../../audit/event';
import { allShards, shardOf } from './shards';

export const EVENT_SHARDS = 4;

export const eventKey = (id: string) => ({ id: `event#${id}` });

export const eventSortKey = (event: Pick<AuditEvent, 'at' | 'id'>): string => `${event.at}#${event.id}`;

export const itemFromEvent = (event: AuditEvent, retentionSeconds: number) => {
  const shard = shardOf(event.id, EVENT_SHARDS);
  return {
    ...eventKey(event.id),
    event_id: event.id,
    type: event.type,
    at: event.at,
    user_id: event.userId,
    actor_id: event.actorId,
    outcome: event.outcome,
    request_id: event.requestId,
    ip: event.ip,
    user_agent: event.userAgent,
    details: event.details,
    event_sort: eventSortKey(event),
    event_shard: `events#${shard}`,
    event_type_shard: `${event.type}#${shard}`,
    ...(event.userId === null
      ? {}
      : { event_user: event.userId, event_user_type: `${event.userId}#${event.type}` }),
    ...(event.actorId === null ? {} : { event_actor: event.actorId }),
    expires_at: Math.floor(Date.parse(event.at) / 1000) + retentionSeconds,
  };
};

const text = (item: Record<string, unknown>, name: string): string => {
  const value = item[name];
  if (typeof value !== 'string') throw new Error(`Stored event item: attribute ${name} is not a string`);
  return value;
};
const nullableText = (item: Record<string, unknown>, name: string): string | null =>
  item[name] === null || item[name] === undefined ? null : text(item, name);

export const eventFromItem = (item: Record<string, unknown>): AuditEvent => {
  const type = AUDIT_EVENT_TYPES.find((known) => known === item.type);
  if (!type) throw new Error('Stored event item: attribute type is not a known event type');
  return {
    id: text(item, 'event_id'),
    type,
    at: text(item, 'at'),
    userId: nullableText(item, 'user_id'),
    actorId: nullableText(item, 'actor_id'),
    outcome: item.outcome === 'failure' ? 'failure' : 'success',
    requestId: text(item, 'request_id'),
    ip: nullableText(item, 'ip'),
    userAgent: nullableText(item, 'user_agent'),
    details: (item.details ?? {}) as AuditDetails,
  };
};

export const eventPartitions = {
  all: () => allShards(EVENT_SHARDS).map((shard) => `events#${shard}`),
  ofType: (type: string) => allShards(EVENT_SHARDS).map((shard) => `${type}#${shard}`),
};
