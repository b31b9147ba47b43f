// The port the audit use cases read events through. Events are written by the other
// repositories' writes (WriteOptions.events), in the same transaction as the change.
import type { StorePage, StoreQuery } from '../shared/paging';
import type { AuditEvent, AuditEventType } from './event';

export interface EventPage extends StorePage {
  readonly events: readonly AuditEvent[];
}

/** What a listing of events keeps: one type, the user concerned, who acted. */
export interface EventFilters {
  readonly type?: AuditEventType | undefined;
  readonly userId?: string | undefined;
  readonly actorId?: string | undefined;
}

export interface EventQuery extends StoreQuery, EventFilters {}

export interface AuditRepository {
  /** Events that record no stored change (a refused login): written on their own. */
  record(events: readonly AuditEvent[]): Promise<void>;
  /** Newest first. */
  list(query: EventQuery): Promise<EventPage>;
}
