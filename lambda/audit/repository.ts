// The port the audit use cases read events through. Events are written by the other
// repositories' writes (WriteOptions.events), in the same transaction as the change.
import type { AuditEvent, AuditEventType } from './event';

export interface EventPage {
  readonly events: readonly AuditEvent[];
  /** An opaque position for the next page, or null at the end. */
  readonly nextPosition: string | null;
}

export interface EventQuery {
  readonly limit: number;
  readonly position: string | undefined;
  readonly type?: AuditEventType | undefined;
  readonly userId?: string | undefined;
  readonly actorId?: string | undefined;
}

export interface AuditRepository {
  /** Events that record no stored change (a refused login): written on their own. */
  record(events: readonly AuditEvent[]): Promise<void>;
  /** Newest first. */
  list(query: EventQuery): Promise<EventPage>;
}
